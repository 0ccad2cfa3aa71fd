using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>A host serving an index built by the real indexer with pruned completion tables (top-2, so nodes complete early).</summary>
public abstract class PrunedIndexHost : IAsyncLifetime
{
    internal const string Version = "pruned-v1";

    private static readonly (string Query, int Count)[] Queries =
    [
        ("连衣裙长款", 5), ("连衣裙", 4), ("联谊会", 3),
        ("gear head", 4), ("gears of war", 3), ("gears tactics", 2),
        ("red dress", 3), ("dress shoes", 2),
    ];

    /// <summary>The build served (built once per host).</summary>
    internal static IndexBuild Build { get; } = IndexBuilder.Build(
        Queries.SelectMany(q => Enumerable.Range(0, q.Count).Select(i => new LogEvent(LogEventType.Search, $"u{i}-{q.Query}", q.Query, DateTimeOffset.UnixEpoch.AddDays(20000).AddSeconds(i)))),
        new BuildOptions { MinCount = 1, TopK = 2, Version = Version },
        TimeProvider.System).Build;

    public QueryRecFactory Factory { get; private set; } = null!;

    public QueryRecService.QueryRecServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        await ConfigureAsync(settings);
        Factory = new QueryRecFactory(settings);
        Client = Factory.CreateClient(Factory.CreateChannel());
        await MatchHost.WaitForFuzzyAsync(Factory, Version);
    }

    public virtual Task DisposeAsync()
    {
        Factory?.Dispose();
        return Task.CompletedTask;
    }

    protected abstract Task ConfigureAsync(Dictionary<string, string?> settings);
}

/// <summary>The pruned index in an embedded file.</summary>
public sealed class EmbeddedPrunedIndexHost : PrunedIndexHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(Build);
        return Task.CompletedTask;
    }
}

/// <summary>The pruned index on a real redis-server.</summary>
public sealed class RedisPrunedIndexHost : PrunedIndexHost
{
    private readonly RedisServerFixture _redis = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => RedisTestIndex.PublishAndConfigureAsync(_redis, Build, settings);
}

/// <summary>
/// Suggest on a pruned version: a typed key whose node was not written is answered from its longest written
/// ancestor, filtered; a key that matches nothing answers nothing, without degrading.
/// </summary>
public abstract class SuggestPrunedIndexTests<THost>(THost host)
    where THost : PrunedIndexHost
{
    private static readonly PinyinKey Reading = PinyinConverter.Default.Keys("连衣裙长款", 16)[0];

    private async Task<SuggestResponse> SuggestAsync(string prefix)
        => await host.Client.SuggestAsync(new SuggestRequest { Prefix = prefix, Limit = 10 });

    private static void AssertPruned(CompletionTable table, string key)
        => Assert.DoesNotContain(PrunedIndexHost.Build.Records, r => r.Key == IndexKeys.Completions(table, key));

    private static string[] From(SuggestResponse response, Source source)
        => response.Items.Where(i => i.Sources.Contains(source)).Select(static i => i.Text).ToArray();

    [Fact]
    public async Task Suggest_LongPrefixWithoutANode_FindsItsQuery()
    {
        AssertPruned(CompletionTable.Prefix, "gears of w");

        var response = await SuggestAsync("gears of w");

        Assert.Equal(["gears of war"], From(response, Source.Prefix));
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task Suggest_FullPinyinWithoutANode_FindsTheHanziQuery()
    {
        AssertPruned(CompletionTable.PinyinFull, Reading.Full);

        var response = await SuggestAsync(Reading.Full);

        Assert.Equal(["连衣裙长款"], From(response, Source.PinyinFull));
    }

    [Fact]
    public async Task Suggest_InitialsWithoutANode_FindTheHanziQuery()
    {
        AssertPruned(CompletionTable.PinyinInitials, Reading.Initials);

        var response = await SuggestAsync(Reading.Initials);

        Assert.Equal(["连衣裙长款"], From(response, Source.PinyinInitials));
    }

    [Fact]
    public async Task Suggest_InfixWithoutANode_FindsTheQueryFromItsSecondWord()
    {
        AssertPruned(CompletionTable.Infix, "dress");

        var response = await SuggestAsync("dress");

        Assert.Equal(["dress shoes"], From(response, Source.Prefix));
        Assert.Equal(["red dress"], From(response, Source.Infix));
    }

    [Fact]
    public async Task Suggest_HanziInfixWithoutANode_FindsTheQueryFromALaterCharacter()
    {
        AssertPruned(CompletionTable.Infix, "长款");

        var response = await SuggestAsync("长款");

        Assert.Equal(["连衣裙长款"], From(response, Source.Infix));
    }

    [Theory]
    [InlineData("gears ox")] // its branch is written down to "gears", which filters to nothing
    [InlineData("zzzzzz")] // no ancestor at all
    public async Task Suggest_KeyMatchingNothing_ReturnsNoCompletionWithoutDegrading(string prefix)
    {
        var response = await SuggestAsync(prefix);

        Assert.Empty(From(response, Source.Prefix));
        Assert.Empty(From(response, Source.Infix));
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task Suggest_PinyinMatchingNothing_ReturnsNoPinyinCompletion()
    {
        var response = await SuggestAsync(Reading.Full[..6] + "x");

        Assert.Empty(From(response, Source.PinyinFull));
        Assert.Empty(From(response, Source.PinyinInitials));
        Assert.False(response.Metadata.Degraded);
    }
}

public sealed class SuggestPrunedIndexEmbeddedTests(EmbeddedPrunedIndexHost host)
    : SuggestPrunedIndexTests<EmbeddedPrunedIndexHost>(host), IClassFixture<EmbeddedPrunedIndexHost>;

public sealed class SuggestPrunedIndexRedisTests(RedisPrunedIndexHost host)
    : SuggestPrunedIndexTests<RedisPrunedIndexHost>(host), IClassFixture<RedisPrunedIndexHost>;
