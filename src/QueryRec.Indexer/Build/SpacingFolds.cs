using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Decides which queries of the index are one query written with different spacing ("smart watch" and "smartwatch",
/// "x box 360" and "xbox 360", "battle field bad company 2" and "battlefield bad company 2"), so that the server shows
/// them as one item (<see cref="NearDuplicateKeys"/>). Pure: no I/O.
/// </summary>
/// <remarks>
/// Queries are taken as near-duplicate groups (<see cref="NearDuplicates.Key"/>: they collapse anyway). Two groups are
/// candidates when some of their forms have the same <see cref="NearDuplicateKeys.SpacingForm"/>: the same letters
/// and digits once the spaces and punctuation between letters are gone (never between two digits). A candidate pair
/// folds only when the log shows that people meant the same thing by both: each has categorized clicks and their
/// click categories agree (the sum over categories of the smaller of the two shares is at least
/// <c>minAgreement</c>). "car pet" beside "carpet" stays apart unless their clicks land in the same categories; a
/// pair without clicks on both sides stays apart. In a bucket of candidates each group is compared with the most
/// searched one; the groups that agree with it form one query whose key is the key of its most searched group (ties:
/// the ordinal order of the keys), so the result does not depend on the order of the input.
/// </remarks>
internal static class SpacingFolds
{
    /// <summary>Longest query considered, in UTF-16 code units (as <see cref="Misspellings.MaxLength"/>).</summary>
    public const int MaxLength = Misspellings.MaxLength;

    private static readonly Dictionary<string, long> NoClicks = new(StringComparer.Ordinal);

    /// <summary>What the fold found: the folds, sorted by text, and the pairs the guard refused.</summary>
    /// <param name="Folds">Each folded text with the key and the most searched form of the group it folds into, in ordinal text order.</param>
    /// <param name="Pairs">Candidate pairs of groups compared (each non-leading group of a bucket with its leader).</param>
    /// <param name="Refused">Candidate pairs whose clicks disagree.</param>
    /// <param name="Unknown">Candidate pairs where one side or both have no categorized clicks.</param>
    internal sealed record Result(IReadOnlyList<NearDuplicateKeys.Fold> Folds, int Pairs, int Refused, int Unknown);

    /// <summary>Finds the folds of a vocabulary.</summary>
    /// <param name="texts">Normalized query texts, distinct.</param>
    /// <param name="searches">Searches per query, aligned with <paramref name="texts"/>.</param>
    /// <param name="categories">Clicks per category of each query (null or empty: none), aligned with <paramref name="texts"/>.</param>
    /// <param name="minAgreement">The least category agreement (0 to 1) for a pair to fold; above 1 nothing folds.</param>
    /// <param name="threads">Threads that make the keys and spacing forms (the result does not depend on it).</param>
    public static Result Find(IReadOnlyList<string> texts, IReadOnlyList<long> searches, IReadOnlyList<IReadOnlyList<(string Category, long Clicks)>?> categories, double minAgreement, int threads = 1)
    {
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>();
        var groupSearches = new List<long>();
        var groupTop = new List<int>();
        var groupClicks = new List<Dictionary<string, long>?>(); // made on a group's first categorized click: most groups have none
        var groupOf = new int[texts.Count];
        var buckets = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        // The keys and forms are made on several threads, a block at a time; the groups are numbered in text order.
        OrderedParallel.ForEach(
            texts.Count,
            threads,
            static () => 0,
            (i, _) => texts[i].Length > MaxLength ? (Key: null, Form: null) : (Key: (string?)NearDuplicates.Key(texts[i]), Form: (string?)NearDuplicateKeys.SpacingForm(texts[i])),
            (i, made) =>
            {
                groupOf[i] = -1;
                if (made is not { Key: { } key, Form: { } form })
                {
                    return;
                }

                if (!groups.TryGetValue(key, out var g))
                {
                    g = keys.Count;
                    groups.Add(key, g);
                    keys.Add(key);
                    groupSearches.Add(0);
                    groupTop.Add(i);
                    groupClicks.Add(null);
                }

                groupOf[i] = g;
                groupSearches[g] += searches[i];
                if (searches[i] > searches[groupTop[g]] || (searches[i] == searches[groupTop[g]] && string.CompareOrdinal(texts[i], texts[groupTop[g]]) < 0))
                {
                    groupTop[g] = i;
                }

                foreach (var (category, clicks) in categories[i] ?? [])
                {
                    var byCategory = groupClicks[g] ??= new Dictionary<string, long>(StringComparer.Ordinal);
                    byCategory[category] = byCategory.GetValueOrDefault(category) + clicks;
                }

                if (!buckets.TryGetValue(form, out var members))
                {
                    buckets.Add(form, members = []);
                }

                if (!members.Contains(g))
                {
                    members.Add(g);
                }
            });

        // Of two groups, the one that leads: more searches, then the smaller key.
        bool Leads(int a, int b) => groupSearches[a] != groupSearches[b] ? groupSearches[a] > groupSearches[b] : string.CompareOrdinal(keys[a], keys[b]) < 0;

        var parent = Enumerable.Range(0, keys.Count).ToArray();
        int Root(int g)
        {
            while (parent[g] != g)
            {
                g = parent[g] = parent[parent[g]];
            }

            return g;
        }

        var (pairs, refused, unknown) = (0, 0, 0);
        foreach (var members in buckets.Values.Where(static m => m.Count > 1))
        {
            var leader = members.Aggregate((a, b) => Leads(a, b) ? a : b);
            foreach (var g in members.Where(g => g != leader))
            {
                pairs++;
                var agreement = Agreement(groupClicks[g] ?? NoClicks, groupClicks[leader] ?? NoClicks);
                if (agreement is null)
                {
                    unknown++;
                }
                else if (agreement < minAgreement)
                {
                    refused++;
                }
                else
                {
                    var (a, b) = (Root(g), Root(leader));
                    if (a != b)
                    {
                        // The root of a component is its leading group, so its key is the component's.
                        (parent[a], parent[b]) = Leads(a, b) ? (a, a) : (b, b);
                    }
                }
            }
        }

        var folds = new List<NearDuplicateKeys.Fold>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (groupOf[i] >= 0 && Root(groupOf[i]) is var root && root != groupOf[i])
            {
                folds.Add(new(texts[i], keys[root], texts[groupTop[root]]));
            }
        }

        folds.Sort(static (a, b) => string.CompareOrdinal(a.Text, b.Text));
        return new Result(folds, pairs, refused, unknown);
    }

    /// <summary>
    /// How far two click distributions over categories agree: the sum over categories of the smaller share (1: the same
    /// shares, 0: no category in common); null when either has no clicks.
    /// </summary>
    internal static double? Agreement(IReadOnlyDictionary<string, long> a, IReadOnlyDictionary<string, long> b)
    {
        double totalA = a.Values.Sum(), totalB = b.Values.Sum();
        if (totalA <= 0 || totalB <= 0)
        {
            return null;
        }

        var sum = 0.0;
        foreach (var (category, clicks) in a)
        {
            if (b.TryGetValue(category, out var other))
            {
                sum += Math.Min(clicks / totalA, other / totalB);
            }
        }

        return sum;
    }
}
