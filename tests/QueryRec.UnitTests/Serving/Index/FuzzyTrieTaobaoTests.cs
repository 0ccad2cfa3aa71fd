using System.Diagnostics;
using System.Text;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Index;
using QueryRec.TestSupport;
using Xunit.Abstractions;

namespace QueryRec.UnitTests.Serving.Index;

/// <summary>The fuzzy trie over the 100k Taobao queries: correctness on real text; build time and size are printed, not asserted.</summary>
public sealed class FuzzyTrieTaobaoTests(ITestOutputHelper output)
{
    [SharedDataFact(SharedData.TaobaoQueriesFile)]
    public void Search_OneEditTyposOfTaobaoPrefixes_FindTheIntendedPrefix()
    {
        var texts = File.ReadLines(SharedData.Path(SharedData.TaobaoQueriesFile))
            .Select(static line => QueryNormalizer.Normalize(line[(line.IndexOf('\t') + 1)..]))
            .Where(static t => t.Length > 0)
            .ToList();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        var trie = FuzzyTrie.Build(texts, 32, int.MaxValue);
        var buildMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var buildAllocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        int searches = 0, inTopFour = 0;
        var searchTicks = 0L;

        // Warm up the search (JIT) on the same inputs before timing.
        for (var pass = 0; pass < 2; pass++)
        {
            (searches, inTopFour, searchTicks) = Typos(texts, trie);
        }

        output.WriteLine($"texts {trie.TextCount}, nodes {trie.NodeCount}, arrays {trie.ApproximateBytes / 1024.0 / 1024:F1} MiB, "
            + $"build {buildMs:F0} ms (allocated {buildAllocated / 1024.0 / 1024:F0} MiB); {searches} one-edit searches, "
            + $"mean {Stopwatch.GetElapsedTime(0, searchTicks).TotalMicroseconds / Math.Max(1, searches):F0} µs, intended prefix in the top 4: {inTopFour}/{searches}");
        Assert.True(searches > 500);
    }

    private static (int Searches, int InTopFour, long Ticks) Typos(List<string> texts, FuzzyTrie trie)
    {
        var random = new Random(5);
        var searches = 0;
        var inTopFour = 0;
        var searchTicks = 0L;
        for (var i = 0; i < 1000; i++)
        {
            var runes = texts[random.Next(texts.Count)].EnumerateRunes().Take(32).ToArray();
            if (runes.Length < 5)
            {
                continue;
            }

            var intended = string.Concat(runes.Take(random.Next(4, Math.Min(runes.Length, 10) + 1)).Select(static r => r.ToString()));
            var typo = Transpose(intended, random);
            if (typo == intended)
            {
                continue;
            }

            var t0 = Stopwatch.GetTimestamp();
            var found = trie.Search(typo, 1, int.MaxValue);
            searchTicks += Stopwatch.GetTimestamp() - t0;
            searches++;
            Assert.Contains(found, m => m.Prefix == intended);
            inTopFour += found.Take(4).Any(m => m.Prefix == intended) ? 1 : 0;
        }

        return (searches, inTopFour, searchTicks);
    }

    /// <summary>Swaps two adjacent runes (an adjacent transposition, one OSA edit).</summary>
    private static string Transpose(string text, Random random)
    {
        var runes = text.EnumerateRunes().ToArray();
        var at = random.Next(runes.Length - 1);
        (runes[at], runes[at + 1]) = (runes[at + 1], runes[at]);
        var builder = new StringBuilder(text.Length);
        foreach (var rune in runes)
        {
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }
}
