using QueryRec.Contracts.V1;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Serving.Pipeline;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// Misspellings of a much more popular query never show in a top 10 (issue 22), through
/// <see cref="QueryRecPipeline.SuggestAsync"/> over a hand-built index with the build's default misspelling ratio:
/// the defects seen ("assassin" offering four spellings of one game, "手" offering 手标 beside 手表), pinyin input,
/// typo-tolerant recall, and the guard that keeps distinct products apart.
/// </summary>
public sealed class QueryRecPipelineMisspellingTests
{
    /// <summary>The Best Buy searches around "assassins creed" (counts as in the log), with its real misspellings.</summary>
    private static readonly Dictionary<string, long> Assassins = new(StringComparer.Ordinal)
    {
        ["assassins creed"] = 117,
        ["assassins creed revelations"] = 49,
        ["assassins creed brotherhood"] = 18,
        ["assassin creed"] = 14,
        ["assassins creed 2"] = 10,
        ["assasins creed"] = 6,
        ["assasins creed brotherhood"] = 5, // under 5 times rarer than "assassins creed brotherhood": may stay
        ["assassins creed revalations"] = 4, // one letter of the second word
        ["assasins creed revelations"] = 3,
        ["assassin's creed"] = 3,
        ["assassins creed revelation"] = 2,
        ["assassin creed revlations"] = 2, // the dominant form is another word-level variant ("assassins … revelations")
        ["assasins creed revalations"] = 2, // two edits, in two words
    };

    /// <summary>The misspellings whose correct form is at least 5 times (the default ratio) as searched.</summary>
    private static readonly string[] AssassinsTypos =
    [
        "assasins creed", "assassins creed revalations", "assasins creed revelations", "assassin creed revlations",
        "assasins creed revalations",
    ];

    /// <summary>The demo's hanzi typos: a homophone of one character (手标 for 手表, 连衣群 for 连衣裙) beside real products.</summary>
    private static readonly Dictionary<string, long> Hanzi = new(StringComparer.Ordinal)
    {
        ["手机"] = 900,
        ["手表"] = 400,
        ["手机壳"] = 300,
        ["手标"] = 30,
        ["手环"] = 60,
        ["手套"] = 50,
        ["连衣裙"] = 500,
        ["连衣群"] = 25,
        ["连衣裙 红色"] = 80,
    };

    [Fact]
    public async Task SuggestAsync_Assassin_ShowsNoMisspelling()
    {
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(Assassins));

        foreach (var prefix in new[] { "assa", "assassin", "assassins creed re" })
        {
            var texts = Texts(await served.SuggestAsync(prefix, 10));

            Assert.DoesNotContain(texts, t => AssassinsTypos.Contains(t));
            Assert.Contains(texts, t => t.StartsWith("assassins creed", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SuggestAsync_TypedMisspelling_FuzzyRecallShowsTheCorrectFormOnly()
    {
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(Assassins));

        var texts = Texts(await served.SuggestAsync("assasins cre", 10));

        Assert.Contains("assassins creed", texts);
        Assert.DoesNotContain(texts, t => AssassinsTypos.Contains(t));
    }

    [Fact]
    public async Task SuggestAsync_HanziHomophoneTypo_NotShownForHanziOrPinyinInput()
    {
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(Hanzi));

        foreach (var prefix in new[] { "手", "shou", "shoub", "sb", "连衣", "lianyiq" })
        {
            var texts = Texts(await served.SuggestAsync(prefix, 10));

            Assert.DoesNotContain("手标", texts);
            Assert.DoesNotContain("连衣群", texts);
        }

        Assert.Contains("手表", Texts(await served.SuggestAsync("shoub", 10)));
        Assert.Contains("连衣裙", Texts(await served.SuggestAsync("lianyiq", 10)));
    }

    [Fact]
    public async Task SuggestAsync_TypedHanziHomophoneTypo_HomophoneRecallShowsTheCorrectFormOnly()
    {
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(Hanzi));

        var texts = Texts(await served.SuggestAsync("手标", 10));

        Assert.Contains("手表", texts);
        Assert.DoesNotContain("手标", texts);
    }

    [Fact]
    public async Task SuggestAsync_DistinctProductsOneEditApart_BothShown()
    {
        // Each pair is far more skewed than any ratio, and still two products: letters far apart, digits (model numbers and
        // sizes), a hanzi more (another product) and a short word searched in its own right ("fear 3").
        var counts = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["ipad"] = 5000, ["ipod"] = 40,
            ["iphone 15"] = 5000, ["iphone 16"] = 40,
            ["55 inch tv"] = 5000, ["65 inch tv"] = 40,
            ["shirt xl"] = 5000, ["shirt xxl"] = 40,
            ["gears"] = 5000, ["gears 3"] = 95, ["fear 3"] = 20, ["fear"] = 4,
            ["手机"] = 5000, ["手机壳"] = 40,
        };
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(counts));

        Assert.Contains("ipod", Texts(await served.SuggestAsync("ip", 10)));
        Assert.Contains("iphone 16", Texts(await served.SuggestAsync("iphone", 10)));
        Assert.Contains("65 inch tv", Texts(await served.SuggestAsync("65", 10)));
        Assert.Contains("shirt xxl", Texts(await served.SuggestAsync("shirt", 10)));
        Assert.Contains("fear", Texts(await served.SuggestAsync("fe", 10)));
        Assert.Contains("手机壳", Texts(await served.SuggestAsync("手", 10)));
    }

    [Fact]
    public async Task SuggestAsync_JoinedSplitAndShortWordTypos_NotShown()
    {
        // The Best Buy searches around "black ops" and "deus ex" (counts as in the log).
        var counts = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["black ops"] = 133, ["blackops"] = 6, ["black opps"] = 2, ["black oops"] = 2, ["black op"] = 2,
            ["black ops 2"] = 40, ["xbox 360"] = 900, ["x box 360"] = 41, ["x-box 360"] = 39, ["mba 2k12"] = 2, ["nba 2k12"] = 503,
        };
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(counts));

        var black = Texts(await served.SuggestAsync("bl", 10));
        Assert.Equal(["black ops", "black ops 2"], black);
        Assert.Equal(["xbox 360"], Texts(await served.SuggestAsync("x", 10)).Where(t => t.Contains("360", StringComparison.Ordinal)));
        Assert.DoesNotContain("mba 2k12", Texts(await served.SuggestAsync("2k", 10)));
    }

    [Fact]
    public async Task SuggestAsync_FailedSearchesOneHanziAway_NotShown_ARealNeighbourProductIs()
    {
        // 蓝耳机 (牙 dropped) and 智龙手机 (龙 for 能) found almost nothing and were never clicked; 消毒柜 found as much as
        // 消毒碗柜 and was clicked.
        var t0 = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
        var user = 0;
        IEnumerable<LogEvent> Searches(string query, int n, int results, bool clicked)
            => Enumerable.Range(0, n).SelectMany(i =>
            {
                var u = "u" + user++;
                var t = t0.AddMinutes(user);
                LogEvent search = new(LogEventType.Search, u, query, t, ResultCount: results);
                return clicked ? [search, new LogEvent(LogEventType.Click, u, query, t.AddSeconds(3), ItemId: "i" + (i % 5))] : new[] { search };
            }).ToList();
        var log = Searches("蓝牙耳机", 300, 500, true).Concat(Searches("蓝耳机", 12, 2, false))
            .Concat(Searches("智能手机", 300, 500, true)).Concat(Searches("智龙手机", 12, 1, false))
            .Concat(Searches("消毒碗柜", 300, 500, true)).Concat(Searches("消毒柜", 20, 450, true));
        var build = IndexBuilder.Build(log, new BuildOptions(), new FixedTimeProvider(t0.AddDays(1))).Build;
        await using var served = await InMemoryPipeline.StartAsync(build);

        Assert.Equal(["蓝牙耳机"], Texts(await served.SuggestAsync("蓝", 10)));
        Assert.Equal(["智能手机"], Texts(await served.SuggestAsync("智", 10)));
        Assert.Equal(["消毒碗柜", "消毒柜"], Texts(await served.SuggestAsync("消毒", 10)));
        Assert.Equal(["蓝牙耳机"], Texts(await served.SuggestAsync("lan", 10)));
    }

    private static List<string> Texts(SuggestResponse response) => response.Items.Select(static i => i.Text).ToList();
}
