using Google.Protobuf.WellKnownTypes;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Commands;

namespace QueryRec.FunctionalTests.History;

/// <summary>The operator's erasure without the admin port: <c>indexer forget-subject</c> against the server's Redis.</summary>
public sealed class ForgetSubjectCommandTests(RedisErasureHost host) : IClassFixture<RedisErasureHost>
{
    [Fact]
    public async Task ForgetSubject_UserWithHistory_LeavesNoKeyOfTheUser()
    {
        var user = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var search = new Event
        {
            EventId = Guid.NewGuid().ToString("N"),
            Type = EventType.SearchSubmitted,
            Time = Timestamp.FromDateTimeOffset(TimeProvider.System.GetUtcNow().AddMinutes(-1)),
            UserId = user,
            Query = "halo reach",
        };
        await host.Client.ReportEventsAsync(new ReportEventsRequest { Events = { search } });
        Assert.NotEmpty(await host.RecordsOfAsync("u:" + user, [search.EventId]));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["forget-subject", "--redis", host.ConnectionString, "--key-prefix", host.KeyPrefix, "--user-id", user], output, error);

        Assert.True(code == IndexerCli.ExitOk, error.ToString());
        Assert.Empty(await host.RecordsOfAsync("u:" + user, [search.EventId]));
        Assert.Contains("erased 3 records of the user", output.ToString(), StringComparison.Ordinal); // history, events set, dedupe mark
    }

    [Fact]
    public async Task ForgetSubject_BothIds_IsAUserError()
    {
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["forget-subject", "--redis", host.ConnectionString, "--user-id", "u", "--device-id", "d"], new StringWriter(), error);

        Assert.Equal(IndexerCli.ExitUserError, code);
    }
}
