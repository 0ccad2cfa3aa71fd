using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// The build leaves misspellings of much more popular queries out of the index, and only those: letters inside words,
/// hanzi of the same reading, never digits, sizes, whole words or (without evidence, MisspellingEvidenceTests) a hanzi
/// more.
/// </summary>
public sealed class MisspellingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private int _user;

    private IEnumerable<LogEvent> Searches(string query, int n)
        => Enumerable.Range(0, n).Select(_ => new LogEvent(LogEventType.Search, "u" + _user++, query, T0)).ToList();

    /// <summary>The completions of a prefix as a server reads them: its node, or the deepest stored ancestor's filtered (pruned tables).</summary>
    private static List<string> Completions(IndexBuild build, string prefix)
    {
        for (var length = prefix.Length; length > 0; length--)
        {
            var record = build.Records.FirstOrDefault(r => r.Key == IndexKeys.Prefix(prefix[..length]));
            if (record.Key is not null)
            {
                return PrefixNode.Parser.ParseFrom(record.Value).Completions.Select(c => c.Text).Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            }
        }

        return [];
    }

    private IEnumerable<LogEvent> Log()
        => Searches("smartwatch", 40)
            .Concat(Searches("smartwatcy", 2))   // substitution
            .Concat(Searches("smarwatch", 2))    // deletion
            .Concat(Searches("smartwacth", 2))   // adjacent swap
            .Concat(Searches("smartwatchh", 2))  // insertion
            .Concat(Searches("smartwatch pro", 2)) // a word more: another query
            .Concat(Searches("smart tv", 40))
            .Concat(Searches("smart tvs", 2))    // a 2-letter word with a letter added (its plural): removed
            .Concat(Searches("ipad", 40))
            .Concat(Searches("ipod", 2))         // 4 letters, o and a far apart: another product, kept
            .Concat(Searches("手机", 40))
            .Concat(Searches("手机壳", 2))        // one hanzi more is another product: kept
            .Concat(Searches("headphone", 10))
            .Concat(Searches("headphnoe", 2));   // only 5x rarer than "headphone": at the default ratio, removed

    [Fact]
    public void Build_MisspellingsOfPopularQueries_LeaveTheIndexAndAreCounted()
    {
        var result = IndexBuilder.Build(Log(), new BuildOptions(), Clock);

        Assert.Equal(6, result.Summary.RemovedByMisspelling);
        var sma = Completions(result.Build, "sma");
        Assert.Contains("smartwatch", sma);
        Assert.Contains("smartwatch pro", sma);
        Assert.Contains("smart tv", sma);
        Assert.DoesNotContain("smart tvs", sma);
        Assert.DoesNotContain("smartwatcy", sma);
        Assert.DoesNotContain("smarwatch", sma);
        Assert.DoesNotContain("smartwacth", sma);
        Assert.DoesNotContain("smartwatchh", sma);
        Assert.Null(result.Build.Records.Select(r => r.Key).FirstOrDefault(k => k == IndexKeys.Query("smartwatcy")));
        Assert.Contains("ipod", Completions(result.Build, "ip"));
        Assert.Contains("手机壳", Completions(result.Build, "手"));
        Assert.DoesNotContain("headphnoe", Completions(result.Build, "he"));
        Assert.Contains("headphone", Completions(result.Build, "he"));
    }

    [Fact]
    public void Build_RatioZero_KeepsEveryQuery()
    {
        var result = IndexBuilder.Build(Log(), new BuildOptions { MisspellingRatio = 0 }, Clock);

        Assert.Equal(0, result.Summary.RemovedByMisspelling);
        Assert.Contains("smartwatcy", Completions(result.Build, "sma"));
        Assert.Contains("smarwatch", Completions(result.Build, "sma"));
    }

    [Fact]
    public void Build_Ratio_DecidesForATypoSixTimesRarer()
    {
        // "keybaord" is 6 times rarer than "keyboard", as a query and as a word.
        var log = Searches("keyboard", 12).Concat(Searches("keybaord", 2)).ToList();

        var atDefault = IndexBuilder.Build(log, new BuildOptions(), Clock);
        var at20 = IndexBuilder.Build(log, new BuildOptions { MisspellingRatio = 20 }, Clock);

        Assert.Equal(5, new BuildOptions().MisspellingRatio);
        Assert.Equal(1, atDefault.Summary.RemovedByMisspelling);
        Assert.DoesNotContain("keybaord", Completions(atDefault.Build, "ke"));
        Assert.Equal(0, at20.Summary.RemovedByMisspelling);
        Assert.Contains("keybaord", Completions(at20.Build, "ke"));
    }

    [Fact]
    public void Options_BadRatio_IsRefused()
    {
        Assert.Contains(new BuildOptions { MisspellingRatio = 0.5 }.Validate(), p => p.Contains("--misspelling-ratio", StringComparison.Ordinal));
        Assert.Contains(new BuildOptions { MisspellingRatio = double.NaN }.Validate(), p => p.Contains("--misspelling-ratio", StringComparison.Ordinal));
        Assert.DoesNotContain(new BuildOptions { MisspellingRatio = 0 }.Validate(), p => p.Contains("--misspelling-ratio", StringComparison.Ordinal));
    }

    /// <summary>Pairs that are two products, however skewed: neither side is ever taken for a misspelling of the other.</summary>
    [Theory]
    [InlineData("ipod", "ipad")]                   // 4 letters, keys far apart
    [InlineData("ipad mini", "ipod mini")]
    [InlineData("iphone 16", "iphone 15")]         // model numbers: digits never edited
    [InlineData("rtx 4070", "rtx 4080")]
    [InlineData("65 inch tv", "55 inch tv")]       // sizes
    [InlineData("shirt xxl", "shirt xl")]          // sizes never edited
    [InlineData("usb c", "usb a")]
    [InlineData("手机壳", "手机")]                  // a hanzi more or less is another product
    [InlineData("手机", "手机壳")]
    [InlineData("消毒柜", "消毒碗柜")]
    [InlineData("红色连衣裙", "黑色连衣裙")]          // another reading: another colour
    [InlineData("潮汕月饼", "潮汕肉饼")]              // 月 and 肉 share only a rare reading (ru)
    public void Find_DistinctProductPairs_NeverFolded(string rare, string popular)
    {
        var found = Misspellings.Find([popular, rare], [100_000, 1], ratio: 2);

        Assert.Equal([-1, -1], found);
    }

    /// <summary>Misspellings as users make them, each beside a correct form 50 times more searched.</summary>
    [Theory]
    [InlineData("assasins creed revelations", "assassins creed revelations")] // a letter of a long word
    [InlineData("assasins creed revalations", "assassins creed revelations")] // two edits in two words
    [InlineData("assassin creed revlations", "assassins creed revelations")]  // the correct form is another word-level variant
    [InlineData("batman arkaham city", "batman arkham city")]
    [InlineData("coffee bens", "coffee beans")]                               // a plural edited as typed
    [InlineData("xbxo 360", "xbox 360")]                                      // 4 letters: a swap
    [InlineData("dwad island", "dead island")]                                // 4 letters: a neighbouring key
    [InlineData("手标", "手表")]                                               // a hanzi of the same reading
    [InlineData("连衣群 红色", "连衣裙 红色")]
    [InlineData("扫第机器人", "扫地机器人")]                                     // 地 reads de and di
    public void Find_Misspelling_FoldedIntoTheCorrectForm(string typo, string correct)
    {
        var found = Misspellings.Find([correct, typo], [50, 1], ratio: 10);

        Assert.Equal([-1, 0], found);
    }

    [Fact]
    public void Find_LetterPopularAsAWord_FoldedOnlyWhereTheCorrectQueryIsRatioSquaredMoreSearched()
    {
        // "x" is searched as a word as often as "ex" ("x-men", "x men"), so a query with "x" for "ex" folds only at
        // ratio² (25): "deus x" (92 times rarer) does, "iphone x" (7.5 times rarer than "iphone xs") does not. "e" is
        // a rare letter ("f e a r"): "deus e human revolution" folds at the plain ratio.
        string[] texts = ["deus ex", "deus x", "x-men destiny", "x men", "iphone xs", "iphone x", "deus ex human revolution", "deus e human revolution", "f e a r"];
        var found = Misspellings.Find(texts, [278, 3, 100, 30, 300, 40, 11, 2, 2], ratio: 5);

        Assert.Equal([-1, 0, -1, -1, -1, -1, -1, 6, -1], found);
    }

    [Fact]
    public void Find_TwoHanziSearchedInTheirOwnRight_NotAHomophoneTypo()
    {
        // 李子 (plums) reads as 梨子 (pears) and is 100 times rarer, but searched mostly in queries that stay.
        var found = Misspellings.Find(["梨子", "李子", "李子 新鲜", "手表", "手标"], [5000, 50, 300, 4000, 20], ratio: 10);

        Assert.Equal([-1, -1, -1, -1, 3], found);
    }

    [Fact]
    public void Find_ShortWordSearchedMostlyInQueriesThatStay_NotATypo()
    {
        // "fear 3" is only 5 times rarer than "gears 3": it stays, so "fear" is a word people mean, also on its own.
        var found = Misspellings.Find(["gears", "gears 3", "fear 3", "fear"], [5000, 95, 20, 4], ratio: 10);

        Assert.Equal([-1, -1, -1, -1], found);
    }

    /// <summary>
    /// Random vocabularies over words with typos of one another (Latin, hanzi, digits, spacing, dropped hanzi), with and
    /// without random search outcomes (clicks, in-session corrections): whatever is folded, its correct
    /// form stays (so no query loses its only form), is another group, was searched at least ratio times as often, and
    /// has the same digits.
    /// </summary>
    [Fact]
    public void Find_RandomVocabularies_FoldingNeverRemovesTheOnlyForm()
    {
        string[] words = ["ipad", "ipod", "case", "cases", "caes", "smartwatch", "smartwacth", "smatrwatch", "pro", "手表", "手标", "连衣裙", "连衣群", "15", "16",
            "black", "ops", "blackops", "x", "ex", "蓝牙耳机", "蓝牙耳", "蓝耳机"];
        var vocabulary = Gen.Int[0, words.Length - 1].Array[1, 3].Select(w => string.Join(' ', w.Select(i => words[i])))
            .Select(Gen.Long[1, 2000], Gen.Long[0, 2000], Gen.Int[0, 3], (text, count, engaged, followed) => (Text: text, Count: count, Engaged: engaged, Followed: followed)).List[1, 40];
        Gen.Select(vocabulary, Gen.Double[1, 50], Gen.Bool).Sample((entries, ratio, withOutcomes) =>
        {
            var distinct = entries.DistinctBy(e => e.Text).ToList();
            var texts = distinct.ConvertAll(e => e.Text);
            var counts = distinct.ConvertAll(e => e.Count);
            var outcomes = new SearchOutcomes(
                distinct.ConvertAll(e => new SearchOutcomes.Outcome(e.Count, Math.Min(e.Engaged, e.Count), 0, 0, 0)), (t, _) => distinct[t].Followed);

            var found = Misspellings.Find(texts, counts, ratio, withOutcomes ? outcomes : null);

            long GroupSearches(int i) => distinct.Where(e => NearDuplicates.Key(e.Text) == NearDuplicates.Key(texts[i])).Sum(e => e.Count);
            for (var i = 0; i < texts.Count; i++)
            {
                if (found[i] < 0)
                {
                    continue;
                }

                var target = found[i];
                Assert.Equal(-1, found[target]);
                Assert.NotEqual(NearDuplicates.Key(texts[i]), NearDuplicates.Key(texts[target]));
                Assert.True(GroupSearches(target) >= ratio * GroupSearches(i), $"{texts[i]} folded into {texts[target]} at ratio {ratio}.");
                Assert.Equal(Digits(texts[i]), Digits(texts[target]));
            }
        });
    }

    private static string Digits(string text) => new(text.Where(char.IsAsciiDigit).ToArray());

    /// <summary>
    /// Random vocabularies of Latin words: every pair the filter reports is one or two edits apart by the textbook OSA
    /// distance and meets the ratio; every one-letter edit made inside a long word of a popular query is found.
    /// </summary>
    [Fact]
    public void Find_RandomVocabularies_FlagsNearVariantsOfPopularQueriesOnly()
    {
        var random = new Random(7);
        for (var round = 0; round < 30; round++)
        {
            var texts = new List<string>();
            var counts = new List<long>();
            var planted = new List<(int Typo, int Correct)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var q = 0; q < 40; q++)
            {
                var words = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Word(random, random.Next(5, 10)));
                var text = string.Join(' ', words);
                if (!seen.Add(text))
                {
                    continue;
                }

                texts.Add(text);
                counts.Add(random.Next(1, 4) == 1 ? random.Next(200, 400) : random.Next(1, 10));
                if (counts[^1] >= 200)
                {
                    var typo = OneLetterEdit(random, text);
                    if (typo is not null && seen.Add(typo))
                    {
                        texts.Add(typo);
                        counts.Add(random.Next(1, 10));
                        planted.Add((texts.Count - 1, texts.Count - 2));
                    }
                }
            }

            var found = Misspellings.Find(texts, counts, ratio: 20);

            for (var i = 0; i < texts.Count; i++)
            {
                if (found[i] >= 0)
                {
                    Assert.InRange(EditDistance.Osa(texts[i], texts[found[i]]), 1, Misspellings.MaxEdits);
                    Assert.True(counts[found[i]] >= 20 * counts[i], $"{texts[i]} ({counts[i]}) flagged against {texts[found[i]]} ({counts[found[i]]}).");
                }
            }

            foreach (var (typo, correct) in planted)
            {
                Assert.True(found[typo] >= 0, $"'{texts[typo]}' was not found as a misspelling of '{texts[correct]}'.");
                Assert.InRange(EditDistance.Osa(texts[typo], texts[found[typo]]), 1, Misspellings.MaxEdits);
            }
        }
    }

    private static string Word(Random random, int length)
        => new(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray());

    /// <summary>One insert, delete, substitution or adjacent swap of letters strictly inside a word of 6+ letters.</summary>
    private static string? OneLetterEdit(Random random, string text)
    {
        var words = text.Split(' ');
        var w = random.Next(words.Length);
        var word = words[w];
        if (word.Length < 6)
        {
            return null;
        }

        var at = random.Next(1, word.Length - 2);
        var letter = (char)('a' + random.Next(26));
        var edited = random.Next(4) switch
        {
            0 => word.Insert(at, letter.ToString()),
            1 => word.Remove(at, 1),
            2 => word[..at] + letter + word[(at + 1)..],
            _ => word[..at] + word[at + 1] + word[at] + word[(at + 2)..],
        };
        if (edited == word)
        {
            return null;
        }

        words[w] = edited;
        return string.Join(' ', words);
    }
}
