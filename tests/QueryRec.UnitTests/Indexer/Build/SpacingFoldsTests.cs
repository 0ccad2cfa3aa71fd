using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Indexer.Build;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>Which queries differing only by the spacing between letters the build shows as one (issue 28).</summary>
public sealed class SpacingFoldsTests
{
    private static SpacingFolds.Result Find(double minAgreement, params (string Text, long Searches, (string, long)[]? Clicks)[] queries)
        => SpacingFolds.Find(
            queries.Select(static q => q.Text).ToArray(),
            queries.Select(static q => q.Searches).ToArray(),
            queries.Select(static q => (IReadOnlyList<(string, long)>?)q.Clicks).ToArray(),
            minAgreement);

    private static NearDuplicateKeys KeysOf(SpacingFolds.Result result) => new(result.Folds);

    [Theory]
    [InlineData("smartwatch", "smart watch")]
    [InlineData("xbox 360", "x box 360")]
    [InlineData("xbox 360", "x-box 360")]
    [InlineData("ace combat", "acecombat")]
    [InlineData("battlefield bad company 2", "battle field bad company 2")]
    [InlineData("pendrive", "pen drive")]
    [InlineData("smartwatch", "smart watches")]
    [InlineData("spiderman", "spider_man")]
    [InlineData("rock band", "rockband")]
    public void Find_SpacingVariantsWithTheSameClicks_TakeTheKeyOfTheMoreSearchedForm(string popular, string other)
    {
        var result = Find(0.5, (popular, 50, [("c1", 40), ("c2", 5)]), (other, 20, [("c1", 15), ("c3", 1)]));

        var keys = KeysOf(result);
        Assert.Equal(NearDuplicates.Key(popular), keys.Key(other));
        Assert.Equal(NearDuplicates.Key(popular), keys.Key(popular));
        Assert.Equal([(other, popular)], result.Folds.Select(static f => (f.Text, f.Shown)));
    }

    [Fact]
    public void Find_ClicksInOtherCategories_KeepThePairApart()
    {
        var result = Find(0.5, ("carpet", 50, [("flooring", 40)]), ("car pet", 20, [("pets", 15), ("flooring", 2)]));

        Assert.Empty(result.Folds);
        Assert.Equal((1, 1, 0), (result.Pairs, result.Refused, result.Unknown));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Find_ASideWithoutClicks_KeepsThePairApart(bool popularClicked, bool otherClicked)
    {
        (string, long)[] clicks = [("c1", 10)];
        var result = Find(0.5, ("headphone", 50, popularClicked ? clicks : null), ("head phone", 20, otherClicked ? clicks : []));

        Assert.Empty(result.Folds);
        Assert.Equal((1, 0, 1), (result.Pairs, result.Refused, result.Unknown));
    }

    [Theory]
    [InlineData("2060 12g", "206012g")]
    [InlineData("2.5 tv", "25 tv")]
    [InlineData("c++ book", "c book")]
    public void Find_TextsThatDifferByMoreThanSpacing_AreNeverCandidates(string a, string b)
    {
        var result = Find(0.0, (a, 50, [("c1", 10)]), (b, 20, [("c1", 10)]));

        Assert.Empty(result.Folds);
        Assert.Equal(0, result.Pairs);
    }

    [Fact]
    public void Find_AgreementAboveOne_FoldsNothing()
    {
        var result = Find(2, ("smartwatch", 50, [("c1", 10)]), ("smart watch", 20, [("c1", 10)]));

        Assert.Empty(result.Folds);
        Assert.Equal(1, result.Pairs);
    }

    [Fact]
    public void Agreement_IsTheSumOfTheSmallerShares()
    {
        var a = new Dictionary<string, long> { ["x"] = 3, ["y"] = 1 };
        var b = new Dictionary<string, long> { ["x"] = 1, ["z"] = 1 };

        Assert.Equal(0.5, SpacingFolds.Agreement(a, b)!.Value, 10);
        Assert.Equal(SpacingFolds.Agreement(a, b), SpacingFolds.Agreement(b, a));
        Assert.Null(SpacingFolds.Agreement(a, new Dictionary<string, long>()));
    }

    /// <summary>
    /// Random vocabularies of words written joined, split and hyphenated, with random searches and click categories:
    /// folding is symmetric (the same folds whatever the order of the input, and a pair folds or not whichever of the two
    /// is the more searched), a folded text takes the key of a query of the vocabulary that keeps its own key (so the collapsed
    /// item always has a form to show, and no query loses its only form), and only texts of one spacing form fold.
    /// </summary>
    [Fact]
    public void Find_RandomVocabularies_FoldsSymmetricallyAndNeverDropsTheOnlyForm()
    {
        string[] words = ["smartwatch", "smart watch", "smart-watch", "smart watches", "x box", "xbox", "360", "car pet", "carpet", "pen drive", "pendrive", "one", "2", "a"];
        var query = Gen.Int[0, words.Length - 1].Array[1, 3].Select(w => string.Join(' ', w.Select(i => words[i])));
        var entry = Gen.Select(query, Gen.Long[1, 100], Gen.Int[0, 3].Array[0, 3], (text, searches, categories) => (Text: text, Searches: searches, Clicks: categories.Select(c => ("c" + c, 1L + c)).ToArray()));
        Gen.Select(entry.List[1, 30], Gen.Double[0, 1], Gen.Int).Sample((entries, agreement, seed) =>
        {
            var distinct = entries.DistinctBy(e => e.Text).ToArray();
            static (string, long)[]? Clicks((string, long)[] clicks) => clicks.Length == 0 ? null : clicks;
            var result = Find(agreement, distinct.Select(e => (e.Text, e.Searches, Clicks(e.Clicks))).ToArray());
            var random = new Random(seed);
            var shuffled = distinct.OrderBy(_ => random.Next()).ToArray();
            var again = Find(agreement, shuffled.Select(e => (e.Text, e.Searches, Clicks(e.Clicks))).ToArray());
            Assert.Equal(result.Folds, again.Folds);

            var keys = KeysOf(result);
            var unfoldedKeys = distinct.Where(e => !keys.TryGetFold(e.Text, out _)).Select(e => NearDuplicates.Key(e.Text)).ToHashSet(StringComparer.Ordinal);
            foreach (var (text, key, shown) in result.Folds)
            {
                Assert.NotEqual(NearDuplicates.Key(text), key);
                Assert.Contains(key, unfoldedKeys);
                Assert.Equal(key, NearDuplicates.Key(shown));
                Assert.Contains(distinct, e => e.Text == shown);
            }

            foreach (var a in distinct.Take(8))
            {
                foreach (var b in distinct.Take(8).Where(b => NearDuplicates.Key(b.Text) != NearDuplicates.Key(a.Text)))
                {
                    // Symmetric: a pair folds or not whichever of the two is the more searched.
                    var asIs = Find(agreement, (a.Text, a.Searches, Clicks(a.Clicks)), (b.Text, b.Searches, Clicks(b.Clicks)));
                    var swapped = Find(agreement, (a.Text, b.Searches, Clicks(a.Clicks)), (b.Text, a.Searches + b.Searches, Clicks(b.Clicks)));
                    Assert.Equal(asIs.Folds.Count > 0, swapped.Folds.Count > 0);
                }

                if (keys.TryGetFold(a.Text, out var folded))
                {
                    // Folded: some form of its group has the spacing form of a form of another group with the same key.
                    var group = distinct.Where(e => NearDuplicates.Key(e.Text) == NearDuplicates.Key(a.Text)).Select(e => NearDuplicateKeys.SpacingForm(e.Text)).ToHashSet();
                    Assert.Contains(distinct, e => keys.Key(e.Text) == folded && NearDuplicates.Key(e.Text) != NearDuplicates.Key(a.Text) && group.Contains(NearDuplicateKeys.SpacingForm(e.Text)));
                }
            }
        });
    }
}
