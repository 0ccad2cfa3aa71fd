using CsCheck;
using QueryRec.Core.Ranking;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Storage.Realtime;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class SessionSignalsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 15, 0, TimeSpan.Zero);

    private static RelatedQueries Related(params (string Text, double Score)[] entries)
    {
        var list = new RelatedQueries();
        list.Queries.AddRange(entries.Select(static e => new RelatedQuery { Text = e.Text, Score = e.Score }));
        return list;
    }

    private static ItemQueries ItemList(params (string Text, double Weight)[] entries)
    {
        var list = new ItemQueries();
        list.Queries.AddRange(entries.Select(static e => new ItemQuery { Text = e.Text, Weight = e.Weight }));
        return list;
    }

    private static QueryStats Stats(params (string Category, double Share)[] shares)
    {
        var stats = new QueryStats();
        stats.TopCategories.AddRange(shares.Select(static s => new CategoryShare { Category = s.Category, Share = s.Share }));
        return stats;
    }

    [Fact]
    public void Weight_HalvesWithRankAndPerDayOfAge()
    {
        Assert.Equal(1.0, SessionSignals.Weight(0, Now, Now), 9);
        Assert.Equal(0.5, SessionSignals.Weight(1, Now, Now), 9);
        Assert.Equal(0.25, SessionSignals.Weight(1, Now - TimeSpan.FromDays(1), Now), 9);
        Assert.Equal(1.0 / 3 / 4, SessionSignals.Weight(2, Now - TimeSpan.FromDays(2), Now), 9);

        // An entry stamped after "now" (clock skew) counts as just now, not more.
        Assert.Equal(1.0, SessionSignals.Weight(0, Now + TimeSpan.FromHours(1), Now), 9);
    }

    [Fact]
    public void From_Q2q_IsTheListScoreOverItsMaxTimesTheQueryWeight_TheLargestOverQueries()
    {
        var signals = SessionSignals.From(
            [
                (new RecentEntry("tv", Now), Related(("tv stand", 10), ("tv mount", 5), ("hdmi", 0)), null),
                (new RecentEntry("laptop", Now - TimeSpan.FromDays(1)), Related(("mouse", 8), ("tv mount", 8)), null),
            ],
            [],
            Now);

        Assert.Equal(1.0, signals.Q2q("tv stand"), 9);
        Assert.Equal(0.5, signals.Q2q("tv mount"), 9); // max(1 × 5/10, 0.25 × 8/8)
        Assert.Equal(0.25, signals.Q2q("mouse"), 9);
        Assert.Equal(0.0, signals.Q2q("hdmi"), 9);
        Assert.Equal(0.0, signals.Q2q("tv"), 9);
        Assert.Equal(0.0, signals.I2q("tv stand"), 9);
    }

    [Fact]
    public void From_I2q_WeighsTheItemsByRecency_AndAListWithoutPositiveScoresCountsEachEntryFully()
    {
        var signals = SessionSignals.From(
            [],
            [
                (new RecentEntry("sku-1", Now - TimeSpan.FromDays(2)), ItemList(("tv", 6), ("television", 3))),
                (new RecentEntry("sku-2", Now), ItemList(("cable", 0), ("adapter", 0))),
                (new RecentEntry("sku-3", Now), null),
            ],
            Now);

        Assert.Equal(0.25, signals.I2q("tv"), 9);
        Assert.Equal(0.125, signals.I2q("television"), 9);
        Assert.Equal(0.5, signals.I2q("cable"), 9);
        Assert.Equal(0.5, signals.I2q("adapter"), 9);
        Assert.Equal(0.0, signals.Q2q("tv"), 9);
    }

    [Fact]
    public void CategoryAffinity_SharesOverTheTopShare_DividedByTheCandidatesCategoryRank()
    {
        var signals = SessionSignals.From(
            [
                (new RecentEntry("tv", Now), null, Stats(("tvs", 0.6), ("cables", 0.3))),
                (new RecentEntry("laptop", Now - TimeSpan.FromDays(1)), null, Stats(("computers", 0.8))),
            ],
            [],
            Now);

        Assert.Equal(1.0, signals.CategoryAffinity(["tvs"]), 9);
        Assert.Equal(0.5, signals.CategoryAffinity(["cables"]), 9);
        Assert.Equal(0.5, signals.CategoryAffinity(["cables", "tvs"]), 9); // max(0.5 / 1, 1 / 2)
        Assert.Equal(0.25, signals.CategoryAffinity(["computers"]), 9); // the laptop query: weight 0.25 × 0.8 / 0.8
        Assert.Equal(0.125, signals.CategoryAffinity(["phones", "computers"]), 9); // second of the candidate's: 0.25 / 2
        Assert.Equal(0.0, signals.CategoryAffinity(["phones"]), 9);
        Assert.Equal(0.0, signals.CategoryAffinity([]), 9);

        // Statistics without shares: the categories' own order.
        var unshared = SessionSignals.From([(new RecentEntry("tv", Now), null, Stats(("tvs", 0), ("cables", 0)))], [], Now);
        Assert.Equal(1.0, unshared.CategoryAffinity(["tvs"]), 9);
        Assert.Equal(0.5, unshared.CategoryAffinity(["cables"]), 9);
    }

    [Fact]
    public void Apply_WritesTheFeaturesThatTheRankerReads_AndLeavesOthersZero()
    {
        var signals = SessionSignals.From(
            [(new RecentEntry("tv", Now), Related(("tv stand", 4), ("tv mount", 2)), Stats(("tvs", 1)))],
            [(new RecentEntry("sku-1", Now), ItemList(("tv mount", 1)))],
            Now);
        var stand = new Candidate("tv stand") { TopCategories = ["furniture", "tvs"] };
        var mount = new Candidate("tv mount");
        var other = new Candidate("tablet") { TopCategories = ["tablets"] };

        signals.Apply([stand, mount, other]);

        var names = FeatureSchema.Names.ToList();
        float At(Candidate c, string name) => FeatureSchema.ToVector(OnnxRanker.Features(c, 2, Now, 0, TimeSpan.FromDays(3)))[names.IndexOf(name)];
        Assert.Equal(1f, At(stand, "q2q_strength"));
        Assert.Equal(0.5f, At(stand, "category_affinity"));
        Assert.Equal(0f, At(stand, "i2q_strength"));
        Assert.Equal(0.5f, At(mount, "q2q_strength"));
        Assert.Equal(1f, At(mount, "i2q_strength"));
        Assert.Equal(0f, At(mount, "category_affinity"));
        Assert.All(new[] { "q2q_strength", "i2q_strength", "category_affinity" }, n => Assert.Equal(0f, At(other, n)));
        Assert.True(SessionSignals.Empty.IsEmpty);
        Assert.False(signals.IsEmpty);
    }

    [Fact]
    public void From_AnyListsAndTimes_EveryValueIsInTheUnitInterval()
    {
        var entry = Gen.Select(Gen.String[Gen.Char["abc"], 1, 3], Gen.Double[-5, 100]);
        var age = Gen.Double[-2, 30].Select(static d => Now - TimeSpan.FromDays(d));
        var query = Gen.Select(age, entry.Array[0, 6], Gen.Select(Gen.String[Gen.Char["xyz"], 1, 2], Gen.Double[0, 1]).Array[0, 3]);
        Gen.Select(query.Array[0, 3], Gen.Select(age, entry.Array[0, 6]).Array[0, 3]).Sample((queries, items) =>
        {
            var signals = SessionSignals.From(
                [.. queries.Select((q, i) => (new RecentEntry("q" + i, q.Item1), (RelatedQueries?)Related(q.Item2), (QueryStats?)Stats(q.Item3)))],
                [.. items.Select((v, i) => (new RecentEntry("i" + i, v.Item1), (ItemQueries?)ItemList(v.Item2)))],
                Now);
            var texts = queries.SelectMany(static q => q.Item2).Concat(items.SelectMany(static v => v.Item2)).Select(static e => e.Item1);
            var categories = queries.SelectMany(static q => q.Item3).Select(static c => c.Item1).Distinct().ToList();
            return texts.All(t => signals.Q2q(t) is >= 0 and <= 1 && signals.I2q(t) is >= 0 and <= 1)
                && signals.CategoryAffinity(categories) is >= 0 and <= 1;
        });
    }
}
