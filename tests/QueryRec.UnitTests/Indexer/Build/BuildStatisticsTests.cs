using Google.Protobuf;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>Every statistic of the build on small hand-built logs; expected values are worked out in the comments.</summary>
public sealed partial class BuildStatisticsTests
{
    /// <summary>The log's end (the decay anchor) in most tests: the middle of an hour, so that trend buckets are unambiguous.</summary>
    private static readonly DateTimeOffset End = new(2026, 1, 10, 12, 30, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    private static int _user;

    private static LogEvent S(string user, string query, DateTimeOffset time, int? results = null) => new(LogEventType.Search, user, query, time, ResultCount: results);

    private static LogEvent Click(string user, string query, DateTimeOffset time, string item, string? category = null) => new(LogEventType.Click, user, query, time, item, category);

    /// <summary>A search by a brand-new user (its own session).</summary>
    private static LogEvent Solo(string query, DateTimeOffset time) => S("solo" + Interlocked.Increment(ref _user), query, time);

    private static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions? options = null)
        => IndexBuilder.Build(events, options ?? new BuildOptions { MinCount = 1 }, Clock);

    private static T? Get<T>(IndexBuild build, string key, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var record = build.Records.FirstOrDefault(r => r.Key == key);
        return record.Key is null ? null : parser.ParseFrom(record.Value);
    }

    private static QueryStats? Stats(IndexBuild build, string q) => Get(build, IndexKeys.Query(q), QueryStats.Parser);

    [Fact]
    public void Build_Decay_WeighsEachSearchByHalfLivesBeforeTheLastEvent()
    {
        // Half-life 1 day, anchor = last event = End. "a": ages 0, 1 and 2 days -> 1 + 0.5 + 0.25 = 1.75.
        // "b": one search 3 days old -> 0.125. Raw counts are unchanged (3 and 1).
        var events = new[]
        {
            Solo("a", End.AddDays(-2)), Solo("b", End.AddDays(-3)), Solo("a", End.AddDays(-1)), Solo("a", End),
        };

        var result = Build(events, new BuildOptions { MinCount = 1, HalfLife = TimeSpan.FromDays(1) });

        Assert.Equal(1.75, Stats(result.Build, "a")!.Popularity, 12);
        Assert.Equal(3, Stats(result.Build, "a")!.Count);
        Assert.Equal(0.125, Stats(result.Build, "b")!.Popularity, 12);
        Assert.Equal(End, result.Summary.LastEventTime);
    }

    [Fact]
    public void Build_DecayOverThousandsOfHalfLives_StaysFiniteAndExact()
    {
        // Half-life 1 hour, log spanning 3000 hours: a naive 2^(t - first) would overflow (2^3000). The anchor is
        // rebased as time moves, so the newest search weighs exactly 1, one 10 hours old 2^-10, and the oldest
        // underflows to 0 instead of producing NaN or infinity.
        var start = End.AddHours(-3000);
        var events = Enumerable.Range(0, 3001).Select(h => Solo(h == 2990 ? "ten" : "q", start.AddHours(h)));

        var result = Build(events, new BuildOptions { MinCount = 1, HalfLife = TimeSpan.FromHours(1) });

        // "q": Σ_{k=0..3000, k≠10} 2^-k = 2 - 2^-3000 - 2^-10 ≈ 2 - 2^-10.
        Assert.Equal(2 - Math.Pow(2, -10), Stats(result.Build, "q")!.Popularity, 12);
        Assert.Equal(Math.Pow(2, -10), Stats(result.Build, "ten")!.Popularity, 15);
    }

    [Fact]
    public void Build_SessionGap_SplitsAUsersSearchesIntoSessions()
    {
        // u1: alpha (0 min), beta (+10 min) -> one session; gamma at +50 min is 40 min after beta > 30 min gap -> a
        // second session. With --session-gap 1h the three are one session.
        var t = End.AddHours(-2);
        var events = new[] { S("u1", "alpha", t), S("u1", "beta", t.AddMinutes(10)), S("u1", "gamma", t.AddMinutes(50)) };

        var split = Build(events);
        var joined = Build(events, new BuildOptions { MinCount = 1, SessionGap = TimeSpan.FromHours(1) });

        Assert.Equal(2, split.Summary.Sessions);
        Assert.Equal(1, joined.Summary.Sessions);
    }

    [Fact]
    public void Build_BotWithEndlessSession_IsCutIntoBoundedSessions()
    {
        // 25,000 searches by one user, 10 ms apart (no gap ever): sessions are cut every 10,000 events -> 3.
        var events = Enumerable.Range(0, 25_000).Select(i => S("bot", "q" + (i % 7), End.AddMilliseconds(-10 * (25_000 - i))));

        var result = Build(events);

        Assert.Equal(3, result.Summary.Sessions);
        Assert.Equal(25_000, result.Summary.FinalSearches);
    }

    [Fact]
    public void Build_StreamWithLateEventsOfOpenSession_SortsThemIntoTheSession()
    {
        // Best Buy style: the click of a search arrives after a later search of another user. u1's click at +40 s
        // arrives after u2's search at +20 s; it still joins u1's session and is attributed to u1's "xbox".
        var t = End.AddMinutes(-5);
        var events = new[] { S("u1", "xbox", t), S("u2", "halo", t.AddSeconds(20)), Click("u1", string.Empty, t.AddSeconds(40), "sku1"), S("u1", "xbox", End) };

        var result = Build(events);

        Assert.Equal(1, Stats(result.Build, "xbox")!.Clicks);
        Assert.Equal(0, result.Summary.UnattributedActions);
    }

    [Fact]
    public void Build_TypedFragments_NeverEnterTheVocabulary()
    {
        // u1 types "ip" (0 s), "ipa" (1 s), "ipad" (2 s), then "ipad case" at 10 s: "ip" and "ipa" are strict
        // prefixes of the next search within 5 s and not clicked -> 2 fragments. "ipad" is followed by "ipad case"
        // 8 s later (> 5 s) -> final. u2 searches "gam" then "game" 1 s later but clicks a result of "gam" ->
        // engaged, so final. u3 searches "ps" then "xbox" 1 s later: not a prefix -> final.
        // 8 searches - 2 fragments = 6 final searches.
        var t = End.AddMinutes(-10);
        var events = new[]
        {
            S("u1", "ip", t), S("u1", "ipa", t.AddSeconds(1)), S("u1", "ipad", t.AddSeconds(2)), S("u1", "ipad case", t.AddSeconds(10)),
            S("u2", "gam", t), S("u2", "game", t.AddSeconds(1)), Click("u2", "gam", t.AddSeconds(30), "sku9"),
            S("u3", "ps", t), S("u3", "xbox", t.AddSeconds(1)),
        };

        var result = Build(events);

        Assert.Equal(2, result.Summary.Fragments);
        Assert.Equal(6, result.Summary.FinalSearches);
        Assert.Null(Stats(result.Build, "ip"));
        Assert.Null(Stats(result.Build, "ipa"));
        Assert.NotNull(Stats(result.Build, "ipad"));
        Assert.NotNull(Stats(result.Build, "gam"));
        Assert.NotNull(Stats(result.Build, "ps"));
        var node = Get(result.Build, IndexKeys.Prefix("i"), PrefixNode.Parser)!;
        Assert.Equal(["ipad", "ipad case"], node.Completions.Select(c => c.Text).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_SearchOnlyLogWithSlowRetype_EverySearchIsSubmitted()
    {
        // Without clicks, a search is "submitted" unless it is a fragment: "ipa" then "ipad" 6 s later (> 5 s
        // window) -> both submitted; the same search repeated at the same instant counts once (duplicate).
        var t = End.AddMinutes(-1);
        var events = new[] { S("u1", "ipa", t), S("u1", "ipa", t), S("u1", "ipad", t.AddSeconds(6)) };

        var result = Build(events);

        Assert.Equal(0, result.Summary.Fragments);
        Assert.Equal(1, result.Summary.DuplicateSearches);
        Assert.Equal(1, Stats(result.Build, "ipa")!.Count);
        Assert.Equal(1, Stats(result.Build, "ipad")!.Count);
    }

    [Fact]
    public void Build_EngagementStats_CountClicksCartsOrdersGmvAndCategories()
    {
        // "tv": u1 searches, clicks sku1 (cat A) and sku2 (cat B), carts sku1, orders sku1 for 100.50;
        // u2 searches, clicks sku1 (cat A). Count 2, users 2, clicks 3, carts 1, orders 1,
        // CTR = 3/2 = 1.5, CVR = 1/2 = 0.5, GMV = 100.5, categories A 2/3, B 1/3, hint A.
        var t = End.AddMinutes(-10);
        var events = new[]
        {
            S("u1", "TV", t), Click("u1", "tv", t.AddSeconds(10), "sku1", "A"), Click("u1", "tv", t.AddSeconds(20), "sku2", "B"),
            new LogEvent(LogEventType.Cart, "u1", "tv", t.AddSeconds(30), "sku1"),
            new LogEvent(LogEventType.Order, "u1", string.Empty, t.AddSeconds(40), "sku1", Amount: 100.50m),
            S("u2", "tv", t), Click("u2", string.Empty, t.AddSeconds(5), "sku1", "A"),
        };

        var stats = Stats(Build(events).Build, "tv")!;

        Assert.Equal(2, stats.Count);
        Assert.Equal(2, stats.DistinctUsers);
        Assert.Equal((3L, 1L, 1L), (stats.Clicks, stats.Carts, stats.Orders));
        Assert.Equal(1.5, stats.Ctr, 12);
        Assert.Equal(0.5, stats.Cvr, 12);
        Assert.Equal(100.5, stats.Gmv, 12);
        Assert.Equal("A", stats.CategoryHint);
        Assert.Equal(["A", "B"], stats.TopCategories.Select(c => c.Category));
        Assert.Equal(2.0 / 3, stats.TopCategories[0].Share, 12);
        Assert.Equal(1.0 / 3, stats.TopCategories[1].Share, 12);

        // The completion carries them for the ranker, as integers: CTR clamped to 1 (10,000 bp), CVR 5,000 bp, GMV
        // 100.5 rounded away from zero to 101.
        var completion = Assert.Single(Get(Build(events).Build, IndexKeys.Prefix("t"), PrefixNode.Parser)!.Completions);
        Assert.Equal((10_000u, 5_000u, 101ul), (completion.CtrBp, completion.CvrBp, completion.Gmv));
    }

    [Fact]
    public void Build_I2q_WeighsClicksCartsAndOrdersPerQuery()
    {
        // sku1 after "tv": clicks by u1 and u2 (2), a cart (1) and an order (1) by u1 -> 2·1 + 1·2 + 1·4 = 8.
        // sku1 after "television": one click by u3 -> 1. sku2 after "tv": one click -> 1.
        var t = End.AddMinutes(-10);
        var events = new[]
        {
            S("u1", "tv", t), Click("u1", "tv", t.AddSeconds(10), "sku1"), Click("u1", "tv", t.AddSeconds(20), "sku2"),
            new LogEvent(LogEventType.Cart, "u1", "tv", t.AddSeconds(30), "sku1"),
            new LogEvent(LogEventType.Order, "u1", "tv", t.AddSeconds(40), "sku1", Amount: 10m),
            S("u2", "tv", t), Click("u2", "tv", t.AddSeconds(5), "sku1"),
            S("u3", "television", t), Click("u3", "television", t.AddSeconds(5), "sku1"),
        };

        var build = Build(events).Build;

        var sku1 = Get(build, IndexKeys.Item("sku1"), ItemQueries.Parser)!;
        Assert.Equal(["tv", "television"], sku1.Queries.Select(q => q.Text));
        Assert.Equal([8.0, 1.0], sku1.Queries.Select(q => q.Weight));
        Assert.Equal((2L, 1L, 1L), (sku1.Queries[0].Clicks, sku1.Queries[0].Carts, sku1.Queries[0].Orders));
        Assert.Equal([1.0], Get(build, IndexKeys.Item("sku2"), ItemQueries.Parser)!.Queries.Select(q => q.Weight));
    }

    [Fact]
    public void Build_Q2qOnThreeSessions_IsDirectionalLogLikelihoodRatio()
    {
        // S1: alpha -> beta, S2: alpha -> beta, S3: gamma -> delta (three users, so three sessions). N = 3 sessions
        // with a transition; c(alpha as source) = 2, c(beta as target) = 2, k11 = 2. Table: k11 = 2, k12 = 2-2 = 0,
        // k21 = 2-2 = 0, k22 = 3-2-2+2 = 1. G² = 2·[2·ln(2·3/(2·2)) + 1·ln(1·3/(1·1))] = 2·(2 ln 1.5 + ln 3)
        // = 2·(0.810930 + 1.098612) = 3.819085. gamma -> delta has support 1 < 2: dropped. beta -> alpha never
        // happened: directional, so no "r:beta".
        var t = End.AddMinutes(-10);
        var events = new[]
        {
            S("u1", "alpha", t), S("u1", "beta", t.AddMinutes(1)),
            S("u2", "alpha", t), S("u2", "beta", t.AddMinutes(1)),
            S("u3", "gamma", t), S("u3", "delta", t.AddMinutes(1)),
        };

        var build = Build(events).Build;

        var related = Get(build, IndexKeys.Related("alpha"), RelatedQueries.Parser)!;
        Assert.Equal(["beta"], related.Queries.Select(r => r.Text));
        Assert.Equal(2 * ((2 * Math.Log(1.5)) + Math.Log(3)), related.Queries[0].Score, 12);
        Assert.Equal(3.8191, related.Queries[0].Score, 4);
        Assert.Equal(2, related.Queries[0].Count);
        Assert.Null(Get(build, IndexKeys.Related("beta"), RelatedQueries.Parser));
        Assert.Null(Get(build, IndexKeys.Related("gamma"), RelatedQueries.Parser));
    }

    [Fact]
    public void Build_Q2qPairIndependentOfSource_IsNotRelated()
    {
        // alpha is the source of every session (S1, S2: alpha -> beta; S3: alpha -> gamma): k11·N = 2·3 = 6 =
        // c(alpha)·c(beta) = 3·2, no positive association, so beta is not related to alpha despite support 2.
        var t = End.AddMinutes(-10);
        var events = new[]
        {
            S("u1", "alpha", t), S("u1", "beta", t.AddMinutes(1)),
            S("u2", "alpha", t), S("u2", "beta", t.AddMinutes(1)),
            S("u3", "alpha", t), S("u3", "gamma", t.AddMinutes(1)),
        };

        Assert.Null(Get(Build(events).Build, IndexKeys.Related("alpha"), RelatedQueries.Parser));
    }

    [Fact]
    public void Build_TrendingAgainstFlatBaseline_SmoothsRareQueries()
    {
        // Window W = 1 day, baseline B = 7 days, α = 5; W/B = 1/7. Hour buckets; the recent window is the 24 hours
        // ending with End's hour, the baseline the 168 hours before.
        // "flat": 1 search a day for 7 baseline days and 1 in the recent day: (1 + 5) / (7/7 + 5) = 1 -> not trending.
        // "spike": the same flat baseline and 10 recent: (10 + 5) / (1 + 5) = 2.5.
        // "rare": 2 recent, no baseline: (2 + 5) / (0 + 5) = 1.4 (a raw ratio would be infinite).
        // "once": 1 recent: below the minimum of 2 recent searches.
        var events = new List<LogEvent>();
        foreach (var q in new[] { "flat", "spike" })
        {
            for (var d = 0; d < 7; d++)
            {
                events.Add(Solo(q, End.AddHours(-36 - (24 * d))));
            }
        }

        events.Add(Solo("flat", End.AddHours(-3)));
        for (var i = 0; i < 10; i++)
        {
            events.Add(Solo("spike", End.AddHours(-i)));
        }

        events.Add(Solo("rare", End.AddHours(-2)));
        events.Add(Solo("rare", End.AddHours(-5)));
        events.Add(Solo("once", End.AddHours(-1)));

        var build = Build(events.OrderBy(e => e.Time)).Build;

        var trending = Get(build, IndexKeys.Trending(IndexKeys.GlobalCategory), RankedQueries.Parser)!;
        Assert.Equal(["spike", "rare"], trending.Queries.Select(r => r.Text));
        Assert.Equal(2.5, trending.Queries[0].Score, 12);
        Assert.Equal((10L, 7L), (trending.Queries[0].RecentCount, trending.Queries[0].BaselineCount));
        Assert.Equal(1.4, trending.Queries[1].Score, 12);
        Assert.Equal((2L, 0L), (trending.Queries[1].RecentCount, trending.Queries[1].BaselineCount));
    }

    [Fact]
    public void Build_HotPerCategory_IsPopularityTimesCategoryShare()
    {
        // "tv": 4 searches at End (popularity 4), clicks: 3 in cat A, 1 in cat B -> hot in A: 4·0.75 = 3, in B: 4·0.25 = 1.
        // "radio": 2 searches (popularity 2), 1 click in A -> hot in A: 2·1 = 2. Global: tv 4, radio 2.
        var events = new List<LogEvent>();
        for (var i = 0; i < 4; i++)
        {
            events.Add(S("t" + i, "tv", End));
            events.Add(Click("t" + i, "tv", End, "sku" + i, i < 3 ? "A" : "B"));
        }

        events.Add(S("r1", "radio", End));
        events.Add(Click("r1", "radio", End, "skuR", "A"));
        events.Add(S("r2", "radio", End));

        var build = Build(events).Build;

        var hotA = Get(build, IndexKeys.Hot("A"), RankedQueries.Parser)!;
        Assert.Equal(["tv", "radio"], hotA.Queries.Select(r => r.Text));
        Assert.Equal([3.0, 2.0], hotA.Queries.Select(r => r.Score));
        Assert.Equal([1.0], Get(build, IndexKeys.Hot("B"), RankedQueries.Parser)!.Queries.Select(r => r.Score));
        Assert.Equal([4.0, 2.0], Get(build, IndexKeys.Hot(IndexKeys.GlobalCategory), RankedQueries.Parser)!.Queries.Select(r => r.Score));
    }

    [Fact]
    public void Build_PrefixTable_RanksByDecayedPopularityNotRawCount()
    {
        // Half-life 1 day. "old": 4 searches 3 days ago -> 4/8 = 0.5. "new": 1 search now -> 1. "new" ranks first.
        var events = Enumerable.Range(0, 4).Select(_ => Solo("nold", End.AddDays(-3))).Append(Solo("nnew", End));

        var build = Build(events, new BuildOptions { MinCount = 1, HalfLife = TimeSpan.FromDays(1) }).Build;

        var node = Get(build, IndexKeys.Prefix("n"), PrefixNode.Parser)!;
        Assert.Equal(["nnew", "nold"], node.Completions.Select(c => c.Text));
        Assert.Equal(1.0, node.Completions[0].Score, 12);
        Assert.Equal(0.5, node.Completions[1].Score, 12);
    }
}
