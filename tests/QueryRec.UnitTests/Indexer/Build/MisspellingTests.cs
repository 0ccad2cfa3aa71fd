using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// The build leaves misspellings of much more popular queries out of the index, and only those: one letter inside a
/// long word, never hanzi, short words or whole words.
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
            .Concat(Searches("smart tvs", 2))    // short word: kept
            .Concat(Searches("ipad", 40))
            .Concat(Searches("ipod", 2))         // short word: kept
            .Concat(Searches("手机", 40))
            .Concat(Searches("手机壳", 2))        // one hanzi more is another product: kept
            .Concat(Searches("headphone", 10))
            .Concat(Searches("headphnoe", 2));   // only 5x less popular than "headphone": kept at ratio 20

    [Fact]
    public void Build_MisspellingsOfPopularQueries_LeaveTheIndexAndAreCounted()
    {
        var result = IndexBuilder.Build(Log(), new BuildOptions(), Clock);

        Assert.Equal(4, result.Summary.RemovedByMisspelling);
        var sma = Completions(result.Build, "sma");
        Assert.Contains("smartwatch", sma);
        Assert.Contains("smartwatch pro", sma);
        Assert.Contains("smart tvs", sma);
        Assert.DoesNotContain("smartwatcy", sma);
        Assert.DoesNotContain("smarwatch", sma);
        Assert.DoesNotContain("smartwacth", sma);
        Assert.DoesNotContain("smartwatchh", sma);
        Assert.Null(result.Build.Records.Select(r => r.Key).FirstOrDefault(k => k == IndexKeys.Query("smartwatcy")));
        Assert.Contains("ipod", Completions(result.Build, "ip"));
        Assert.Contains("手机壳", Completions(result.Build, "手"));
        Assert.Contains("headphnoe", Completions(result.Build, "he"));
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
    public void Build_LowerRatio_AlsoRemovesTheLessSkewedTypo()
    {
        var result = IndexBuilder.Build(Log(), new BuildOptions { MisspellingRatio = 5 }, Clock);

        Assert.Equal(5, result.Summary.RemovedByMisspelling);
        Assert.DoesNotContain("headphnoe", Completions(result.Build, "he"));
        Assert.Contains("headphone", Completions(result.Build, "he"));
    }

    [Fact]
    public void Options_BadRatio_IsRefused()
    {
        Assert.Contains(new BuildOptions { MisspellingRatio = 0.5 }.Validate(), p => p.Contains("--misspelling-ratio", StringComparison.Ordinal));
        Assert.Contains(new BuildOptions { MisspellingRatio = double.NaN }.Validate(), p => p.Contains("--misspelling-ratio", StringComparison.Ordinal));
        Assert.DoesNotContain(new BuildOptions { MisspellingRatio = 0 }.Validate(), p => p.Contains("--misspelling-ratio", StringComparison.Ordinal));
    }

    /// <summary>
    /// Random vocabularies of Latin words: every pair the filter reports is one edit apart by the textbook OSA
    /// distance and meets the ratio; every one-letter edit made inside a long word of a popular query is found.
    /// </summary>
    [Fact]
    public void Find_RandomVocabularies_FlagsExactlyOneEditVariantsOfPopularQueries()
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
                    Assert.Equal(1, EditDistance.Osa(texts[i], texts[found[i]]));
                    Assert.True(counts[found[i]] >= 20 * counts[i], $"{texts[i]} ({counts[i]}) flagged against {texts[found[i]]} ({counts[found[i]]}).");
                }
            }

            foreach (var (typo, correct) in planted)
            {
                Assert.True(found[typo] >= 0, $"'{texts[typo]}' was not found as a misspelling of '{texts[correct]}'.");
                Assert.Equal(1, EditDistance.Osa(texts[typo], texts[found[typo]]));
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
