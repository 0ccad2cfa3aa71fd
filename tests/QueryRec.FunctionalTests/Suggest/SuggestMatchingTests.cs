using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Index;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// A host serving <see cref="Index"/>: pinyin keys are what the converter gives for the hand-picked inputs, so the
/// tests hold for the placeholder and the table-driven converter alike.
/// </summary>
public abstract class MatchHost : IAsyncLifetime
{
    /// <summary>The full-pinyin key of a text (first reading).</summary>
    internal static string Py(string text) => PinyinConverter.Default.Keys(text, 16)[0].Full;

    internal static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["连衣裙长款"] = 500,
        ["连衣裙"] = 400,
        ["连衣裙夏"] = 300,
        ["联谊会"] = 50,
        ["lianne jewelry"] = 20,
        ["red dress"] = 200,
        ["dress shoes"] = 150,
        ["iphone 15 case"] = 300,
        ["iphone 15"] = 250,
        ["iphone 14"] = 240,
        ["ipad pro"] = 100,
        ["ipac charger"] = 10,
        ["playstation controller"] = 90,
    };

    internal static MatchIndex Index => new()
    {
        Version = "match-v1",
        Counts = Counts,
        MaxPinyinPrefixLength = 6,
        PinyinFull = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["lian"] = ["连衣裙长款", "连衣裙", "连衣裙夏", "联谊会"],
            [Py("连") + "yi"] = ["连衣裙长款", "连衣裙", "连衣裙夏", "联谊会"],
            [Py("连衣") + "qun"] = ["连衣裙长款", "连衣裙", "连衣裙夏"],
            [Py("连衣群")] = ["连衣裙长款", "连衣裙", "连衣裙夏"],
            ["iphone"] = ["iphone 15 case", "iphone 15", "iphone 14"],
        },
        PinyinInitials = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["lyq"] = ["连衣裙长款", "连衣裙", "连衣裙夏"],
        },
    };

    public QueryRecFactory Factory { get; private set; } = null!;

    public QueryRecService.QueryRecServiceClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        await ConfigureAsync(settings);
        Factory = new QueryRecFactory(settings);
        Client = Factory.CreateClient(Factory.CreateChannel());
        await WaitForFuzzyAsync(Factory, "match-v1");
    }

    public virtual Task DisposeAsync()
    {
        Factory?.Dispose();
        return Task.CompletedTask;
    }

    protected abstract Task ConfigureAsync(Dictionary<string, string?> settings);

    /// <summary>Waits until <paramref name="version"/> is active and its typo-tolerant matcher is built.</summary>
    internal static async Task<ServingIndex> WaitForFuzzyAsync(QueryRecFactory factory, string version)
    {
        var active = factory.Services.GetRequiredService<ActiveIndex>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (active.Current is not { } current || current.Version != version)
        {
            await Task.Delay(20, timeout.Token);
        }

        await active.Current.Fuzzy.Building.WaitAsync(timeout.Token);
        return active.Current;
    }
}

/// <summary>The match index in an embedded file.</summary>
public sealed class EmbeddedMatchHost : MatchHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(Index.Build());
        return Task.CompletedTask;
    }
}

/// <summary>The match index on a real redis-server.</summary>
public sealed class RedisMatchHost : MatchHost
{
    private readonly RedisServerFixture _redis = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => RedisTestIndex.PublishAndConfigureAsync(_redis, Index.Build(), settings);
}

/// <summary>Each match type through the real gRPC channel, on both stores.</summary>
public abstract class SuggestMatchingTests<THost>(THost host)
    where THost : MatchHost
{
    private async Task<SuggestResponse> SuggestAsync(string prefix, int limit = 10)
        => await host.Client.SuggestAsync(new SuggestRequest { Prefix = prefix, Limit = limit });

    private static RecommendedQuery Item(SuggestResponse response, string text)
        => Assert.Single(response.Items, i => i.Text == text);

    [Fact]
    public async Task Suggest_LatinPrefix_MergesEnglishAndFullPinyinCompletions()
    {
        var response = await SuggestAsync("lian");

        Assert.Contains(Source.Prefix, Item(response, "lianne jewelry").Sources);
        var pinyin = Item(response, "连衣裙");
        Assert.Contains(Source.PinyinFull, pinyin.Sources);
        Assert.Equal(Reason.PinyinMatch, pinyin.Reason);
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task Suggest_FoundByPrefixAndPinyin_ListsBothSourcesAndKeepsThePopularReason()
    {
        var response = await SuggestAsync("iphone");

        var item = Item(response, "iphone 15 case");
        Assert.Equal([Source.Prefix, Source.PinyinFull], item.Sources);
        Assert.Equal(Reason.PopularCompletion, item.Reason);
    }

    [Fact]
    public async Task Suggest_Initials_FindsTheHanziQueries()
    {
        var response = await SuggestAsync("lyq");

        Assert.Equal(["连衣裙长款", "连衣裙", "连衣裙夏"], response.Items.Select(static i => i.Text));
        Assert.All(response.Items, static i => Assert.Contains(Source.PinyinInitials, i.Sources));
    }

    [Fact]
    public async Task Suggest_PinyinKeyLongerThanIndexed_IsLookedUpTruncatedAndFilteredByTheCompletionsOwnKeys()
    {
        // "iphone15" has no prefix node (the queries have a space); the version indexes pinyin to 6 letters, so
        // py:iphone is read and "iphone 14" (key iphone14) is filtered out.
        var response = await SuggestAsync("iphone15", limit: 2);

        Assert.Equal(["iphone 15 case", "iphone 15"], response.Items.Select(static i => i.Text));
        Assert.All(response.Items, static i => Assert.Contains(Source.PinyinFull, i.Sources));
    }

    [Theory]
    [InlineData("连yi")]
    [InlineData("连衣qun")]
    public async Task Suggest_MixedHanziAndPinyin_KeepsCompletionsStartingWithTheHanzi(string prefix)
    {
        var response = await SuggestAsync(prefix);

        Assert.Equal(["连衣裙长款", "连衣裙", "连衣裙夏"], response.Items.Select(static i => i.Text));
        Assert.All(response.Items, static i => Assert.Contains(Source.PinyinMixed, i.Sources));
    }

    [Fact]
    public async Task Suggest_Homophone_CorrectsToTheSamePinyinAsFuzzy()
    {
        var response = await SuggestAsync("连衣群");

        Assert.Equal(["连衣裙长款", "连衣裙", "连衣裙夏"], response.Items.Select(static i => i.Text));
        Assert.All(response.Items, static i => Assert.Equal((Reason.TypoCorrected, Source.Fuzzy), (i.Reason, i.Sources.Single())));
    }

    [Fact]
    public async Task Suggest_WordStartInfix_RanksBelowExactPrefixMatches()
    {
        // "red dress" is more popular than "dress shoes" but only an infix match.
        var response = await SuggestAsync("dress");

        Assert.Equal(["dress shoes", "red dress"], response.Items.Select(static i => i.Text));
        Assert.Equal((Reason.InfixMatch, Source.Infix), (response.Items[1].Reason, response.Items[1].Sources.Single()));
    }

    [Fact]
    public async Task Suggest_HanziInfix_FindsTheQueryFromALaterCharacter()
    {
        var response = await SuggestAsync("长款");

        Assert.Equal(Reason.InfixMatch, Item(response, "连衣裙长款").Reason);
    }

    [Theory]
    [InlineData("长款连衣", "连衣裙长款")]
    [InlineData("dress red", "red dress")]
    public async Task Suggest_PartsInAnotherOrder_FindsTheQueryContainingEveryPart(string prefix, string expected)
    {
        var response = await SuggestAsync(prefix);

        var item = Item(response, expected);
        Assert.Equal((Reason.InfixMatch, Source.Infix), (item.Reason, item.Sources.Single()));
        Assert.DoesNotContain(response.Items, static i => i.Text is "连衣裙" or "dress shoes");
    }

    [Theory]
    [InlineData("iphoke")] // substitution
    [InlineData("iphhone")] // insertion
    [InlineData("iphne")] // deletion
    [InlineData("iphoen")] // transposition
    public async Task Suggest_OneEditTypo_RecallsTheIntendedQueries(string prefix)
    {
        var response = await SuggestAsync(prefix);

        var item = Item(response, "iphone 15 case");
        Assert.Equal((Reason.TypoCorrected, Source.Fuzzy), (item.Reason, item.Sources.Single()));
    }

    [Fact]
    public async Task Suggest_TwoEditsAtEightCharacters_AreCorrected()
    {
        var response = await SuggestAsync("plaistaton");

        Assert.Equal(Reason.TypoCorrected, Item(response, "playstation controller").Reason);
    }

    [Fact]
    public async Task Suggest_TwoEditsBelowEightCharacters_AreNotCorrected()
    {
        var response = await SuggestAsync("iphqke");

        Assert.Empty(response.Items);
    }

    [Fact]
    public async Task Suggest_ThreeCharacters_AreNotCorrected()
    {
        // "ipj" is one edit from "iph" and "ipa", but too short for typo tolerance.
        var response = await SuggestAsync("ipj");

        Assert.Empty(response.Items);
    }

    [Fact]
    public async Task Suggest_ExactRecallFillsTheLimit_SkipsTypoTolerance()
    {
        var response = await SuggestAsync("ipac", limit: 1);

        Assert.Equal(["ipac charger"], response.Items.Select(static i => i.Text));
    }

    [Fact]
    public async Task Suggest_ExactAndFuzzy_ExactRanksAboveAMorePopularFuzzyMatch()
    {
        var response = await SuggestAsync("ipac");

        Assert.Equal(["ipac charger", "ipad pro"], response.Items.Select(static i => i.Text));
        Assert.Equal(Reason.TypoCorrected, response.Items[1].Reason);
        Assert.True(response.Items[1].Score > response.Items[0].Score, "the fuzzy match should score higher and still rank lower");
    }
}

public sealed class SuggestMatchingEmbeddedTests(EmbeddedMatchHost host)
    : SuggestMatchingTests<EmbeddedMatchHost>(host), IClassFixture<EmbeddedMatchHost>;

public sealed class SuggestMatchingRedisTests(RedisMatchHost host)
    : SuggestMatchingTests<RedisMatchHost>(host), IClassFixture<RedisMatchHost>;
