using QueryRec.Core.Matching;
using QueryRec.Indexer.Build;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// The pinyin tables' entries: readings packed per block of queries and computed on several threads give each query
/// its own readings (checked against the converter) and the same entries whatever the threads.
/// </summary>
public sealed class PinyinTableEntriesTests
{
    // More than one block of readings (65,536 queries), so queries past the first block are read back too.
    private const int Count = 70_000;

    private static readonly string[] Words = ["重庆", "火锅", "行长", "银行", "长城", "手机壳", "音乐", "iphone", "a", "红色"];

    private static (string[] Texts, int[] Order, CompletionArena Completions) Queries()
    {
        var texts = new string[Count];
        for (var k = 0; k < Count; k++)
        {
            // Distinct texts; every third one without a hanzi (no entry).
            texts[k] = k % 3 == 2 ? $"case {k}" : $"{Words[k % Words.Length]} {Words[(k / 7) % Words.Length]}{k}";
        }

        var kept = texts.Select((t, k) => new KeptQuery(k, new QueryAcc(t) { Count = 1, Users = 1, Decayed = 1 + (k % 97) }, false, string.Empty)).ToArray();
        var order = QueryRecords.RankingOrder(kept);
        return (texts, order, CompletionArena.Build(kept, new List<CategoryShare>?[Count]));
    }

    [Fact]
    public void Readings_PackedInBlocks_AreEachQuerysOwn()
    {
        var (texts, order, completions) = Queries();
        var options = new BuildOptions { TableThreads = 2 };
        var entries = new PinyinTableEntries(texts, order, completions, options);

        Assert.Equal(texts.Count(t => OutputBuilder.HasHanzi(PinyinConverter.Default, t)), entries.Queries);
        var sources = new List<(string Source, int Start)>();
        var checkedPastFirstBlock = 0;
        for (var e = 0; e < entries.Order.Length; e++)
        {
            var k = entries.QueryOf(e);
            if (k % 101 != 0 && k % (1 << 16) > 2 && k < Count - 5)
            {
                continue; // a sample, with the first queries of each block and the last of the last
            }

            var level = PinyinLevel(entries, e, k);
            foreach (var initials in new[] { false, true })
            {
                sources.Clear();
                entries.SourcesOf(e, initials, sources);
                var expected = PinyinConverter.Default.Keys(texts[k], options.MaxPinyinVariants)
                    .Where(r => r.SecondaryReadings == level)
                    .Select(r => (initials ? r.Initials : r.Full, 0));
                Assert.Equal(expected, sources);
            }

            checkedPastFirstBlock += k >= 1 << 16 ? 1 : 0;
        }

        Assert.True(checkedPastFirstBlock > 10, $"{checkedPastFirstBlock} entries checked past the first block");
    }

    [Fact]
    public void Entries_SameWhateverTheThreads()
    {
        var (texts, order, completions) = Queries();
        var one = new PinyinTableEntries(texts, order, completions, new BuildOptions { TableThreads = 1 });
        var two = new PinyinTableEntries(texts, order, completions, new BuildOptions { TableThreads = 2 });

        Assert.Equal(one.Order.Length, two.Order.Length);
        Assert.True(one.Order.Length > Count / 2);
        var keysOne = new List<string>();
        var keysTwo = new List<string>();
        for (var e = 0; e < one.Order.Length; e++)
        {
            Assert.Equal(one.QueryOf(e), two.QueryOf(e));
            Assert.Equal(one.ScoreOf(e), two.ScoreOf(e));
            if (e % 37 == 0)
            {
                keysOne.Clear();
                keysTwo.Clear();
                one.KeysOf(e, initialsTable: false, default, new CollectedKeys(keysOne));
                two.KeysOf(e, initialsTable: false, default, new CollectedKeys(keysTwo));
                Assert.NotEmpty(keysOne);
                Assert.Equal(keysOne, keysTwo);
            }
        }
    }

    /// <summary>The level of entry <paramref name="e"/>: its score is the query's times weight^level.</summary>
    private static int PinyinLevel(PinyinTableEntries entries, int e, int k)
    {
        var weight = new BuildOptions().PinyinSecondaryWeight;
        var primary = 1 + (k % 97);
        for (var level = 0; level < 16; level++)
        {
            if (entries.ScoreOf(e) == primary * Math.Pow(weight, level))
            {
                return level;
            }
        }

        throw new InvalidOperationException($"entry {e}: no level gives score {entries.ScoreOf(e)}");
    }
}
