using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// What a RELATED or REFINE candidate's index entries say about it, for the Discover ranker's features
/// (<see cref="Ranking.DiscoveryFeatures"/>): its score within each source scaled to that source's best entry, its
/// position in the list, and the entry's count and CTR. Null on the candidates of every other section.
/// </summary>
internal sealed class DiscoverySignals
{
    public double Q2q { get; private set; }

    public double CoClick { get; private set; }

    public double SharedWords { get; private set; }

    public double CategoryHot { get; private set; }

    public double Refine { get; private set; }

    /// <summary>The first position of the text in the index list.</summary>
    public int Position { get; private set; }

    public double Count { get; private set; }

    public double Ctr { get; private set; }

    /// <summary>How many sources listed the text.</summary>
    public int SourceCount { get; private set; }

    /// <summary>
    /// Annotates the candidates of <paramref name="into"/> made from <paramref name="entries"/> (one index list, in its
    /// order): every entry of a refinement list counts as <c>Refine</c>, a related list's entries by their source.
    /// </summary>
    public static void Annotate(Dictionary<string, Candidate> into, IReadOnlyList<RelatedQuery> entries, bool refinements)
    {
        var best = new Dictionary<RelatedSource, double>();
        foreach (var e in entries)
        {
            var key = refinements ? RelatedSource.Unspecified : Normalized(e.Source);
            best[key] = Math.Max(best.GetValueOrDefault(key), e.Score);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!into.TryGetValue(e.Text, out var candidate))
            {
                continue;
            }

            var signals = candidate.Discovery ??= new DiscoverySignals { Position = i };
            var source = refinements ? RelatedSource.Unspecified : Normalized(e.Source);
            var max = best[source];
            var scaled = max > 0 ? Math.Max(0, e.Score) / max : 0;
            signals.SourceCount++;
            signals.Count = Math.Max(signals.Count, e.Count);
            if (refinements)
            {
                signals.Refine = Math.Max(signals.Refine, scaled);
                signals.Ctr = Math.Max(signals.Ctr, e.Ctr);
                continue;
            }

            switch (source)
            {
                case RelatedSource.CoClick:
                    signals.CoClick = Math.Max(signals.CoClick, scaled);
                    break;
                case RelatedSource.SharedWords:
                    signals.SharedWords = Math.Max(signals.SharedWords, scaled);
                    break;
                case RelatedSource.CategoryHot:
                    signals.CategoryHot = Math.Max(signals.CategoryHot, scaled);
                    break;
                default:
                    signals.Q2q = Math.Max(signals.Q2q, scaled);
                    break;
            }
        }
    }

    // An r: list (no source) is all q2q.
    private static RelatedSource Normalized(RelatedSource source) => source == RelatedSource.Unspecified ? RelatedSource.Q2Q : source;
}
