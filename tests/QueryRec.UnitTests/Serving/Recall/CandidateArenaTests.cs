using System.Collections.Concurrent;
using System.Reflection;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;

namespace QueryRec.UnitTests.Serving.Recall;

/// <summary>
/// The pooled candidates of a Suggest call: a reused candidate is indistinguishable from a new one (every property,
/// found by reflection so that a property added later without a reset fails here), concurrent sources never share a
/// candidate or a list, and a call past the arena's room still gets working candidates.
/// </summary>
public sealed class CandidateArenaTests
{
    [Fact]
    public void AReusedCandidate_IsAsNew_InEveryProperty()
    {
        var used = new Candidate("old");
        Dirty(used);

        used.Reuse("fresh");

        AssertSameState(new Candidate("fresh"), used);
    }

    [Fact]
    public void AClearedArena_HandsOutItsCandidatesAgain_AsNew()
    {
        var arena = new CandidateArena();
        var first = arena.Rent("old");
        Dirty(first);

        arena.Clear();
        var again = arena.Rent("fresh");

        Assert.Same(first, again);
        AssertSameState(new Candidate("fresh"), again);
    }

    [Fact]
    public void ConcurrentRents_NeverShareACandidateOrAList_EvenPastTheArenasRoom()
    {
        var arena = new CandidateArena();
        var candidates = new ConcurrentBag<Candidate>();
        var lists = new ConcurrentBag<List<Candidate>>();
        Parallel.For(0, CandidateArena.Slots + 300, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var c = arena.Rent("q" + i);
            c.Score = i;
            candidates.Add(c);
            if (i % 10 == 0)
            {
                var list = arena.List(4);
                list.Add(c);
                lists.Add(list);
            }
        });

        Assert.Equal(CandidateArena.Slots + 300, candidates.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.All(candidates, static c => Assert.Equal("q" + (int)c.Score, c.Text));
        Assert.Equal(lists.Count, lists.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.All(lists, static l => Assert.Single(l));
        Assert.Equal(CandidateArena.Slots + 300, arena.Rented);
    }

    [Fact]
    public void AClearedArenasLists_AreEmpty_AndItsCountStartsOver()
    {
        var arena = new CandidateArena();
        var list = arena.List(2);
        list.Add(arena.Rent("a"));
        list.Add(arena.Rent("b"));
        arena.Clear();

        Assert.Empty(list);
        Assert.Equal(0, arena.Rented);
        Assert.Same(list, arena.List(1));
    }

    private static void Dirty(Candidate c)
    {
        c.DisplayText = "shown";
        c.AddSource(Source.Prefix);
        c.AddSource(Source.Infix);
        c.Reason = Reason.Trending;
        c.CategoryHint = "tv";
        c.TopCategories = ["tv", "audio"];
        c.CollapsedVariants = 3;
        c.ContextFill = true;
        c.Discovery = new DiscoverySignals();
        c.Score = 7;
        var f = c.Features;
        f.Popularity = 1;
        f.PopularityMax = 2;
        f.LastSearched = DateTimeOffset.UnixEpoch;
        f.RecentCount = 3;
        f.RecentDistinctUsers = 4;
        f.MatchType = MatchKind.Fuzzy;
        f.EditDistance = 2;
        f.Q2qStrength = 0.5;
        f.I2qStrength = 0.5;
        f.CategoryAffinity = 0.5;
        f.Ctr = 0.1;
        f.Cvr = 0.1;
        f.Gmv = 10;
    }

    private static void AssertSameState(object expected, object actual)
    {
        foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var e = property.GetValue(expected);
            var a = property.GetValue(actual);
            if (property.PropertyType == typeof(CandidateFeatures))
            {
                AssertSameState(e!, a!);
            }
            else if (e is System.Collections.IEnumerable list && e is not string)
            {
                Assert.Equal(list.Cast<object>(), ((System.Collections.IEnumerable)a!).Cast<object>());
            }
            else
            {
                Assert.True(Equals(e, a), $"{property.DeclaringType!.Name}.{property.Name}: expected {e}, got {a}");
            }
        }
    }
}
