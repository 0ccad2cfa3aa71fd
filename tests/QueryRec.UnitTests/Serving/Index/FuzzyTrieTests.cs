using CsCheck;
using QueryRec.Serving.Index;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Index;

public sealed class FuzzyTrieTests
{
    private static int Osa(string a, string b) => EditDistance.Osa(a, b);

    private static readonly Gen<string> Word = Gen.String[Gen.Char["abcd"], 0, 9];

    [Fact]
    public void Search_RandomVocabulary_FindsExactlyThePrefixesWithinTheBoundOfABruteForceOsa()
    {
        Gen.Select(Word.List[1, 25], Gen.String[Gen.Char["abcd"], 1, 8], Gen.Int[1, 2], Gen.Int[2, 9]).Sample((words, query, k, maxLength) =>
        {
            var trie = FuzzyTrie.Build(words, maxLength, int.MaxValue);

            var expected = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var word in words)
            {
                var kept = word.Length <= maxLength ? word : word[..maxLength];
                for (var length = 1; length <= kept.Length; length++)
                {
                    var prefix = kept[..length];
                    var distance = Osa(query, prefix);
                    if (distance >= 1 && distance <= k)
                    {
                        expected[prefix] = distance;
                    }
                }
            }

            var found = trie.Search(query, k, int.MaxValue);

            Assert.Equal(expected.Count, found.Count);
            foreach (var match in found)
            {
                Assert.True(expected.TryGetValue(match.Prefix, out var distance), $"'{match.Prefix}' is not within {k} of '{query}'");
                Assert.Equal(distance, match.Distance);
            }
        }, iter: 2000);
    }

    [Fact]
    public void Search_RandomVocabulary_OrdersByDistanceThenBestPopularityRank()
    {
        Gen.Select(Word.List[1, 25], Gen.String[Gen.Char["abcd"], 1, 8]).Sample((words, query) =>
        {
            var trie = FuzzyTrie.Build(words, 16, int.MaxValue);

            var found = trie.Search(query, 2, int.MaxValue);

            for (var i = 0; i < found.Count; i++)
            {
                // The rank of a prefix is the position of the first (most popular) word that has it.
                Assert.Equal(words.FindIndex(w => w.StartsWith(found[i].Prefix, StringComparison.Ordinal)), found[i].Rank);
                if (i > 0)
                {
                    Assert.True((found[i - 1].Distance, found[i - 1].Rank).CompareTo((found[i].Distance, found[i].Rank)) <= 0);
                }
            }
        }, iter: 500);
    }

    [Theory]
    [InlineData("iphoen", "iphone")] // transposition
    [InlineData("iphine", "iphone")] // substitution
    [InlineData("iphhone", "iphone")] // insertion
    [InlineData("iphne", "iphone")] // deletion
    [InlineData("连衣群", "连衣裙")] // substitution of a hanzi
    public void Search_OneEdit_FindsTheVocabularyPrefixAtDistanceOne(string input, string expected)
    {
        var trie = FuzzyTrie.Build(["iphone case", "连衣裙长款", "ipad"], 32, 100);

        var found = trie.Search(input, 1, 10);

        Assert.Contains(new FuzzyMatch(expected, 1, expected.StartsWith('i') ? 0 : 1), found);
    }

    [Fact]
    public void Search_Take_KeepsTheNearestFew()
    {
        var trie = FuzzyTrie.Build(["abcx", "abcy", "abcz", "abxy"], 32, 100);

        var found = trie.Search("abcd", 2, 2);

        Assert.Equal([("abc", 1), ("abcx", 1)], found.Select(static m => (m.Prefix, m.Distance)));
    }

    [Fact]
    public void Search_ExactPrefix_IsNotReturned()
    {
        var trie = FuzzyTrie.Build(["abcd"], 32, 100);

        Assert.DoesNotContain(trie.Search("abcd", 1, 10), static m => m.Prefix == "abcd");
    }

    [Fact]
    public void Build_TruncatesTextsToTheMaximumLength()
    {
        var trie = FuzzyTrie.Build(["abcdefgh", "abxyz"], 3, 100);

        Assert.Equal(3, trie.MaxDepth);
        Assert.Equal(5, trie.NodeCount); // root, a, ab, abc, abx: no deeper nodes
        Assert.Empty(trie.Search("abcdef", 2, 10)); // "abc" is 3 edits from "abcdef"
    }

    [Fact]
    public void Build_MaxTexts_KeepsOnlyTheMostPopular()
    {
        var trie = FuzzyTrie.Build(["alpha", "bravo", "charlie"], 32, 2);

        Assert.Equal(2, trie.TextCount);
        Assert.NotEmpty(trie.Search("bravx", 1, 10));
        Assert.Empty(trie.Search("charlix", 1, 10));
    }

    [Fact]
    public void Build_NodeCount_IsTheDistinctPrefixesPlusTheRoot()
    {
        Word.List[0, 40].Sample(words =>
        {
            var trie = FuzzyTrie.Build(words, 6, int.MaxValue);

            var prefixes = words
                .Select(static w => w.Length <= 6 ? w : w[..6])
                .SelectMany(static w => Enumerable.Range(1, w.Length).Select(l => w[..l]))
                .Distinct(StringComparer.Ordinal)
                .Count();
            Assert.Equal(prefixes + 1, trie.NodeCount);
        }, iter: 300);
    }
}
