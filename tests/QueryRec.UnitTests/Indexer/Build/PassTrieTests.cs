using QueryRec.Indexer.Build;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>A completion-table pass's trie against a dictionary of keys built the plain way.</summary>
public sealed class PassTrieTests
{
    private static readonly string[] Alphabet = ["a", "b", "c", "手", "机", "壳", "𠀋", "𪚥", " ", "1"];

    /// <summary>Random keys as the table writer sends them: per entry, prefixes of a few sources, sometimes repeated.</summary>
    private static List<(int Entry, List<string> Keys)> Workload(int seed, int entries)
    {
        var random = new Random(seed);
        var work = new List<(int, List<string>)>();
        for (var e = 0; e < entries; e++)
        {
            var keys = new List<string>();
            for (var s = random.Next(1, 4); s > 0; s--)
            {
                var source = string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => Alphabet[random.Next(Alphabet.Length)]));
                var runes = source.EnumerateRunes().Select(r => r.ToString()).ToList();
                var min = random.Next(1, 3);
                for (var n = min; n <= runes.Count; n++)
                {
                    keys.Add(string.Concat(runes.Take(n)));
                }
            }

            if (keys.Count > 0 && random.Next(4) == 0)
            {
                keys.Add(keys[random.Next(keys.Count)]); // a key reached twice by one entry counts once
            }

            work.Add((e, keys));
        }

        return work;
    }

    private static Dictionary<string, (int Matches, List<int> Top)> Expected(List<(int Entry, List<string> Keys)> work, int topK)
    {
        var nodes = new Dictionary<string, (int Matches, List<int> Top)>(StringComparer.Ordinal);
        foreach (var (entry, keys) in work)
        {
            foreach (var key in keys.Distinct(StringComparer.Ordinal))
            {
                var (matches, top) = nodes.TryGetValue(key, out var node) ? node : (0, new List<int>());
                if (top.Count < topK)
                {
                    top.Add(entry);
                }

                nodes[key] = (matches + 1, top);
            }
        }

        return nodes;
    }

    private static void Fill(PassTrie trie, List<(int Entry, List<string> Keys)> work)
    {
        var keys = new PassTrie.Keys(trie);
        foreach (var (entry, entryKeys) in work)
        {
            keys.Entry = entry;
            foreach (var key in entryKeys)
            {
                keys.Add(key);
            }
        }
    }

    private static int Lookup(PassTrie trie, string key) => trie.Find(key);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 10)]
    [InlineData(4, 1000)]
    public void Keys_GiveEveryKeyItsMatchesAndFirstKEntries(int seed, int topK)
    {
        var work = Workload(seed, 3000);
        var expected = Expected(work, topK);
        var trie = new PassTrie(topK);
        Fill(trie, work);

        Assert.Equal(expected.Count, Enumerable.Range(1, trie.Count - 1).Count(n => trie.Matches(n) > 0));
        var chars = new char[64];
        foreach (var (key, (matches, top)) in expected)
        {
            var node = Lookup(trie, key);
            Assert.True(node > 0, key);
            Assert.Equal(matches, trie.Matches(node));
            Assert.Equal(top, trie.Top(node).ToArray());
            Assert.Equal(key, trie.Key(node, chars).ToString());
            Assert.Equal(key.Length, trie.Depth(node));
        }
    }

    [Fact]
    public void Ids_PutParentsBeforeChildren()
    {
        var trie = new PassTrie(5);
        Fill(trie, Workload(5, 2000));

        for (var node = 1; node < trie.Count; node++)
        {
            Assert.True(trie.Parent(node) < node);
            Assert.Equal(trie.Depth(trie.Parent(node)) + 1, trie.Depth(node));
        }
    }

    [Fact]
    public void Clear_ForgetsThePreviousPass()
    {
        var trie = new PassTrie(4);
        Fill(trie, Workload(6, 4000));
        trie.Clear();
        var second = Workload(7, 500);
        Fill(trie, second);

        var expected = Expected(second, 4);
        Assert.Equal(expected.Count, Enumerable.Range(1, trie.Count - 1).Count(n => trie.Matches(n) > 0));
        foreach (var (key, (matches, top)) in expected)
        {
            var node = Lookup(trie, key);
            Assert.Equal(matches, trie.Matches(node));
            Assert.Equal(top, trie.Top(node).ToArray());
        }
    }

    [Fact]
    public void Find_MissingKey_IsMinusOne()
    {
        var trie = new PassTrie(3);
        var keys = new PassTrie.Keys(trie) { Entry = 0 };
        keys.Add("ab");

        Assert.Equal(-1, Lookup(trie, "b"));
        Assert.Equal(-1, Lookup(trie, "abc"));
        Assert.Equal(0, trie.Matches(Lookup(trie, "a"))); // on the way to "ab", not a key of its own
        Assert.Equal(1, trie.Matches(Lookup(trie, "ab")));
    }
}
