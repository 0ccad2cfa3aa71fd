using QueryRec.Contracts.V1;
using QueryRec.Indexer.Evaluate;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class EvalMatchingTests
{
    [Fact]
    public void TypoCases_AreOneEditFromTheirExactPrefix_AndCoverEveryEditKind()
    {
        var vocabulary = Enumerable.Range(0, 400)
            .Select(i => new VocabularyEntry($"query {i:D3} gaming laptop", 400 - i))
            .ToList();

        var cases = MatchingCases.Typos(vocabulary, 200, seed: 3);

        Assert.Equal(200, cases.Count);
        Assert.Equal(
            ["typo-deletion", "typo-insertion", "typo-substitution", "typo-transposition"],
            cases.Select(c => c.Group).Distinct().Order(StringComparer.Ordinal));
        foreach (var c in cases)
        {
            Assert.NotNull(c.Baseline);
            Assert.StartsWith(c.Baseline, c.Expected, StringComparison.Ordinal);
            Assert.True(c.Typed.Length >= 4, c.Typed);
            Assert.Equal(1, Osa(c.Typed, c.Baseline));
        }
    }

    [Fact]
    public void PinyinCases_DropAFormWhenTenMorePopularQueriesShareIt()
    {
        // 12 queries all read "shou ji ..."; the two least popular cannot be in a top 10 for "shouji" or "sj".
        var texts = Enumerable.Range(0, 12).Select(i => "手机" + (char)('一' + i)).ToList();
        var vocabulary = texts.Select((t, i) => new VocabularyEntry(t, 100 - i)).ToList();
        var reference = texts.ToDictionary(t => t, t => new ReferencePinyin(t, ["shou", "ji", "yi"]), StringComparer.Ordinal);

        var (cases, ambiguous) = MatchingCases.Pinyin(vocabulary, reference, sample: 12, seed: 1);

        // Full prefixes are 2 or 3 syllables; all 12 share both, so exactly the 10 most popular are kept.
        var full = cases.Where(c => c.Group == "pinyin-full").Select(c => c.Expected).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(texts.Take(10).Order(StringComparer.Ordinal), full);
        Assert.Equal(2, ambiguous["pinyin-full"]);
        Assert.All(cases.Where(c => c.Group == "pinyin-initials"), c => Assert.Equal("sjy", c.Typed));
    }

    [Fact]
    public void PinyinCases_QueryWithPunctuation_TypedThroughTheMarkAndOneCharacterMore()
    {
        var texts = new[] { "螺丝 m6-20", "充电器2.4a", "手机壳" };
        var vocabulary = texts.Select((t, i) => new VocabularyEntry(t, 100 - i)).ToList();
        var reference = new Dictionary<string, ReferencePinyin>(StringComparer.Ordinal)
        {
            ["螺丝 m6-20"] = new("螺丝 m6-20", ["luo", "si", null, null, null, null, null, null]),
            ["充电器2.4a"] = new("充电器2.4a", ["chong", "dian", "qi", null, null, null, null]),
            ["手机壳"] = new("手机壳", ["shou", "ji", "ke"]),
        };

        var (cases, ambiguous) = MatchingCases.Pinyin(vocabulary, reference, sample: 3, seed: 1);

        var punctuation = cases.Where(static c => c.Group == "pinyin-punctuation").Select(static c => (c.Typed, c.Expected)).Order().ToList();
        Assert.Equal([("chongdianqi2.4", "充电器2.4a"), ("luosi m6-2", "螺丝 m6-20")], punctuation);
        Assert.Equal(0, ambiguous["pinyin-punctuation"]);
    }

    [Fact]
    public void PinyinCases_QueryWithAsciiAfterItsHanzi_FirstHanziThenTheRestInPinyinAndAsIs()
    {
        var texts = new[] { "佳能r5", "小米14 pro", "手机壳" };
        var vocabulary = texts.Select((t, i) => new VocabularyEntry(t, 100 - i)).ToList();
        var reference = new Dictionary<string, ReferencePinyin>(StringComparer.Ordinal)
        {
            ["佳能r5"] = new("佳能r5", ["jia", "neng", null, null]),
            ["小米14 pro"] = new("小米14 pro", ["xiao", "mi", null, null, null, null, null, null]),
            ["手机壳"] = new("手机壳", ["shou", "ji", "ke"]),
        };

        var (cases, ambiguous) = MatchingCases.Pinyin(vocabulary, reference, sample: 3, seed: 1);

        var rest = cases.Where(static c => c.Group == MatchingCases.MixedRest).Select(static c => (c.Typed, c.Expected)).Order().ToList();
        Assert.Equal([("佳nengr5", "佳能r5"), ("小mi14 pro", "小米14 pro")], rest);
        Assert.Equal(0, ambiguous[MatchingCases.MixedRest]);
    }

    [Fact]
    public void PinyinCases_MixedRestSharedByTenMorePopularQueries_IsAmbiguous()
    {
        // 12 queries read "xiao mi 14…": the 11 with a letter after "14" are each typed through their own letter.
        string[] texts = [.. Enumerable.Range(0, 11).Select(i => "小米14" + (char)('a' + i)), "小米14"];
        var vocabulary = texts.Select((t, i) => new VocabularyEntry(t, 100 - i)).ToList();
        var reference = texts.ToDictionary(t => t, t => new ReferencePinyin(t, [.. new[] { "xiao", "mi" }, .. Enumerable.Repeat<string?>(null, t.Length - 2)]), StringComparer.Ordinal);

        var (cases, ambiguous) = MatchingCases.Pinyin(vocabulary, reference, sample: 12, seed: 1);

        // "小mi14" (the least popular) has the 11 others as more popular queries that start with it.
        Assert.DoesNotContain(cases, static c => c.Group == MatchingCases.MixedRest && c.Expected == "小米14");
        Assert.Equal(1, ambiguous[MatchingCases.MixedRest]);
        Assert.Equal(11, cases.Count(static c => c.Group == MatchingCases.MixedRest));
    }

    [Fact]
    public void WithLatinDigitPunctuationGroups_RepeatsPinyinCasesWhoseQueryHoldsAscii()
    {
        EvalCase[] cases =
        [
            new("pinyin-full", "chongdian", "充电器2.4a", null),
            new("pinyin-full", "shouji", "手机壳", null),
            new("typo-deletion", "gers", "gears", "gea"),
        ];

        var groups = MatchingCases.WithLatinDigitPunctuationGroups(cases).Select(static c => (c.Group, c.Expected)).ToList();

        Assert.Equal(
            [("pinyin-full", "充电器2.4a"), ("pinyin-full latin/digit/punct", "充电器2.4a"), ("pinyin-full", "手机壳"), ("typo-deletion", "gears")],
            groups);
    }

    [Fact]
    public async Task Replay_ScoresRanksOnAHandComputedExample()
    {
        static SuggestResponse Answer(params (string Text, Source Source)[] items)
        {
            var response = new SuggestResponse { Metadata = new ResponseMetadata() };
            response.Items.AddRange(items.Select(i => new RecommendedQuery { Text = i.Text, Sources = { i.Source } }));
            return response;
        }

        var answers = new Dictionary<string, SuggestResponse>(StringComparer.Ordinal)
        {
            ["a"] = Answer(("apple", Source.Prefix), ("avocado", Source.Prefix)),      // expected "avocado": rank 2
            ["b"] = Answer(("banana", Source.Prefix)),                                 // rank 1
            ["c"] = Answer(("cherry", Source.Fuzzy), ("coconut", Source.Prefix)),     // not found; fuzzy above exact
            ["d-exact"] = Answer(("durian", Source.Prefix)),                           // baseline misses: not eligible
            ["d"] = Answer(("date", Source.Prefix)),
        };
        EvalCase[] cases =
        [
            new("g", "a", "avocado", null),
            new("g", "b", "banana", null),
            new("g", "c", "cranberry", null),
            new("g", "d", "date", "d-exact"),
        ];

        var results = await SuggestReplay.RunAsync(cases, (p, _) => Task.FromResult(answers[p]), 2, CancellationToken.None);

        var g = Assert.Single(results);
        Assert.Equal(4, g.Cases);
        Assert.Equal(3, g.Eligible);
        Assert.Equal(1, g.HitsAt1);
        Assert.Equal(2, g.HitsAt10);
        Assert.Equal((1.0 / 2 + 1.0) / 3, g.Mrr, 12);
        Assert.Equal(1, g.FuzzyAboveExact);
    }

    [Fact]
    public void CaseLines_RoundTrip_AndBadLinesNameTheirNumber()
    {
        var c = new EvalCase("typo-deletion", "lapop", "laptop bag", "lapto");
        Assert.Equal(c, EvalCase.Parse(c.ToLine(), 1));
        var ex = Assert.Throws<FormatException>(() => EvalCase.Parse("only\ttwo", 17));
        Assert.Contains("line 17", ex.Message, StringComparison.Ordinal);
    }

    private static int Osa(string a, string b) => EditDistance.Osa(a, b);
}
