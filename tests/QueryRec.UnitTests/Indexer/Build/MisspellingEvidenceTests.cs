using QueryRec.Core.Matching;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// The wider misspelling rules: spaces moved, short words, two slips in a 6–7-letter word (text alone), and any one
/// edit (a hanzi dropped or replaced by any other) only where what followed the searches shows they failed.
/// </summary>
public sealed class MisspellingEvidenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private int _user;

    /// <summary>
    /// Sessions of one user each: a search of <paramref name="query"/> with <paramref name="results"/> results,
    /// optionally clicked, optionally followed 5 s later by a search of <paramref name="then"/> (clicked).
    /// </summary>
    private List<LogEvent> Sessions(string query, int n, int? results, bool clicked, string? then = null, int correctedEvery = 1)
    {
        var events = new List<LogEvent>();
        for (var i = 0; i < n; i++)
        {
            var user = "u" + _user++;
            var t = T0.AddMinutes(_user);
            events.Add(new LogEvent(LogEventType.Search, user, query, t, ResultCount: results));
            if (clicked)
            {
                events.Add(new LogEvent(LogEventType.Click, user, query, t.AddSeconds(2), ItemId: "i" + (i % 7)));
            }

            if (then is not null && i % correctedEvery == 0)
            {
                events.Add(new LogEvent(LogEventType.Search, user, then, t.AddSeconds(5), ResultCount: 400));
                events.Add(new LogEvent(LogEventType.Click, user, then, t.AddSeconds(8), ItemId: "i1"));
            }
        }

        return events;
    }

    private static bool Kept(IndexBuild build, string query)
        => build.Records.Any(r => r.Key == IndexKeys.Query(query));

    [Fact]
    public void Build_DroppedHanziOfAFailedSearch_LeavesTheIndex_ARealNeighbourProductStays()
    {
        var log = Sessions("蓝牙耳机", 200, 400, clicked: true)
            .Concat(Sessions("蓝耳机", 6, 3, clicked: false, then: "蓝牙耳机", correctedEvery: 2)) // few results, corrected
            .Concat(Sessions("消毒碗柜", 200, 400, clicked: true))
            .Concat(Sessions("消毒柜", 20, 350, clicked: true, then: "消毒碗柜", correctedEvery: 2)) // narrowed after a click
            .Concat(Sessions("智能手机", 200, 400, clicked: true))
            .Concat(Sessions("智龙手机", 12, 2, clicked: false)) // few results: 龙 for 能, which does not read alike
            .ToList();

        var result = IndexBuilder.Build(log, new BuildOptions(), Clock);

        Assert.False(Kept(result.Build, "蓝耳机"));
        Assert.False(Kept(result.Build, "智龙手机"));
        Assert.True(Kept(result.Build, "消毒柜"));
        Assert.True(Kept(result.Build, "蓝牙耳机"));
        Assert.Equal(2, result.Summary.RemovedByMisspelling);
    }

    [Fact]
    public void Build_SameEditsWithoutEvidence_KeepsThem()
    {
        // A plain list of searches (no results, no actions, no sessions that correct them): text alone cannot tell
        // 蓝牙耳 from 消毒柜, so neither is folded.
        var log = Sessions("蓝牙耳机", 200, null, clicked: false)
            .Concat(Sessions("蓝牙耳", 6, null, clicked: false))
            .Concat(Sessions("智能手机", 200, null, clicked: false))
            .Concat(Sessions("智龙手机", 12, null, clicked: false))
            .ToList();

        var result = IndexBuilder.Build(log, new BuildOptions(), Clock);

        Assert.True(Kept(result.Build, "蓝牙耳"));
        Assert.True(Kept(result.Build, "智龙手机"));
        Assert.Equal(0, result.Summary.RemovedByMisspelling);
    }

    /// <summary>Typos that text alone settles, each beside a correct form 50 times more searched.</summary>
    [Theory]
    [InlineData("blackops", "black ops")]            // words joined
    [InlineData("bat man", "batman")]                // a word split
    [InlineData("x-box 360", "xbox 360")]            // punctuation inside a word
    [InlineData("black opps", "black ops")]          // a 3-letter word: a letter added
    [InlineData("xbx 360", "xbox 360")]              // a 4-letter word: a letter dropped
    [InlineData("black op", "black ops")]            // a 3-letter word: a letter dropped (or its singular)
    [InlineData("mba 2k12", "nba 2k12")]             // ... a neighbouring key
    [InlineData("smart tc", "smart tv")]             // a 2-letter word
    [InlineData("arkum city", "arkham city")]        // two slips in a 6-letter word: a letter dropped and one replaced
    [InlineData("xbox 360 consel", "xbox 360 console")]
    public void Find_TextualTypo_Folded(string typo, string correct)
    {
        var found = Misspellings.Find([correct, typo], [50, 1], ratio: 10);

        Assert.Equal([-1, 0], found);
    }

    /// <summary>Pairs that text alone must keep apart, however skewed.</summary>
    [Theory]
    [InlineData("206012g", "2060 12g")]              // a space between digits separates two numbers
    [InlineData("calpak", "calpol")]                 // two letters replaced in a 6-letter word: another brand
    [InlineData("shirt xxl", "shirt xl")]            // sizes
    [InlineData("shirt s", "shirt xs")]
    [InlineData("蓝牙耳", "蓝牙耳机")]                  // a hanzi dropped: only with evidence
    [InlineData("智龙手机", "智能手机")]                 // a hanzi of another reading: only with evidence
    public void Find_DistinctWithoutEvidence_NeverFolded(string rare, string popular)
    {
        var found = Misspellings.Find([popular, rare], [100_000, 1], ratio: 2);

        Assert.Equal([-1, -1], found);
    }

    [Fact]
    public void Outcomes_EachKindOfEvidence_AndTheirAbsence()
    {
        SearchOutcomes.Outcome correct = new(Searches: 1000, Engaged: 500, KnownResults: 1000, ZeroResults: 0, ResultsSum: 400_000);
        var cases = new (SearchOutcomes.Outcome Typo, int FollowedBy, bool Failed)[]
        {
            (new(10, 5, 10, 5, 50), 0, true),        // half of its searches found nothing
            (new(10, 5, 10, 0, 100), 0, true),       // 10 results on average against 400
            (new(10, 5, 10, 0, 3000), 0, false),     // results like the correct form's, clicked as often
            (new(10, 0, 0, 0, 0), 0, true),          // never clicked where 5 clicks were expected
            (new(4, 0, 0, 0, 0), 0, false),          // never clicked, but only 2 expected: no evidence alone
            (new(4, 0, 0, 0, 0), 1, true),           // ... corrected in a quarter of its sessions
            (new(4, 2, 0, 0, 0), 1, false),          // ... corrected, but clicked as often as the correct form
            (new(5, 0, 0, 0, 0), 1, false),          // ... corrected in fewer than a quarter
        };

        foreach (var (typo, followedBy, failed) in cases)
        {
            var outcomes = new SearchOutcomes([typo, correct], (t, c) => t == 0 && c == 1 ? followedBy : 0);
            Assert.True(failed == outcomes.Failed(0, 1, ratio: 5), $"{typo}, followed {followedBy}: expected failed={failed}.");
        }

        var plain = new SearchOutcomes([new(10, 0, 0, 0, 0), new(1000, 0, 0, 0, 0)], (_, _) => 0);
        Assert.False(plain.Failed(0, 1, ratio: 5));
    }

    [Fact]
    public void Neighbours_RandomTexts_AreExactlyTheOneEditPairsWithTheSameDigits()
    {
        var random = new Random(11);
        const string alphabet = "ab1 手机";
        var texts = Enumerable.Range(0, 300)
            .Select(_ => new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
            .Distinct(StringComparer.Ordinal).ToList();

        var found = OneEditNeighbours.Find(texts, _ => true, _ => true);

        for (var i = 0; i < texts.Count; i++)
        {
            var expected = Enumerable.Range(0, texts.Count)
                .Where(h => h != i && EditDistance.Osa(texts[i], texts[h]) == 1 && Digits(texts[i]) == Digits(texts[h])).ToList();
            var actual = found[i] ?? [];
            if (expected.Count <= OneEditNeighbours.MaxPerText)
            {
                Assert.Equal(expected, actual.Order().ToList());
            }
            else
            {
                Assert.Equal(OneEditNeighbours.MaxPerText, actual.Count);
                Assert.Subset(expected.ToHashSet(), actual.ToHashSet());
            }
        }
    }

    private static string Digits(string text) => new(text.Where(char.IsAsciiDigit).ToArray());
}
