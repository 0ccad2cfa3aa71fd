using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.History;

/// <summary>
/// History retention (issue 23, point 3): an entry expires <see cref="HistoryHost.Ttl"/> after it was last searched,
/// even in a list that is still written to. A class of its own: it moves its host's fake clock by days.
/// </summary>
public abstract class HistoryRetentionTests<THost>(THost host)
    where THost : HistoryHost
{
    [Fact]
    public async Task History_EntryOlderThanTheTtl_LeavesTheListWhileNewerEntriesStay()
    {
        var user = "ret-" + Guid.NewGuid().ToString("N")[..8];
        await host.SearchAsync("gear head", userId: user);
        host.Time.Advance(HistoryHost.Ttl / 2);
        await host.SearchAsync("halo reach", userId: user);
        Assert.Equal(["halo reach", "gear head"], await host.HistoryTextsAsync(userId: user));

        host.Time.Advance(HistoryHost.Ttl / 2);

        Assert.Equal(["halo reach"], await host.HistoryTextsAsync(userId: user));
        var suggest = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });
        Assert.DoesNotContain(suggest.Items, i => i.Sources.Contains(Source.History));
    }
}

public sealed class HistoryRetentionEmbeddedTests(EmbeddedHistoryHost host)
    : HistoryRetentionTests<EmbeddedHistoryHost>(host), IClassFixture<EmbeddedHistoryHost>;

public sealed class HistoryRetentionRedisTests(RedisHistoryHost host)
    : HistoryRetentionTests<RedisHistoryHost>(host), IClassFixture<RedisHistoryHost>;
