using QueryRec.Api.Recall;
using QueryRec.Core.Matching;

namespace QueryRec.Api.Rerank;

/// <summary>
/// Collapses near-duplicate suggestions (<see cref="NearDuplicates.Key"/>: spacing, punctuation, singular and
/// plural, word order) into one item. The item keeps the rank of its best-ranked form, shows the most popular
/// form, unions the sources, and counts the folded forms in <see cref="Candidate.CollapsedVariants"/>.
/// </summary>
internal static class NearDuplicateCollapse
{
    /// <summary>Collapses <paramref name="ordered"/> (best first) in place order; returns the survivors, best first.</summary>
    public static List<Candidate> Apply(List<Candidate> ordered)
    {
        if (ordered.Count < 2)
        {
            return ordered;
        }

        var leaders = new Dictionary<string, Candidate>(ordered.Count, StringComparer.Ordinal);
        var shown = new Dictionary<Candidate, (string Text, double Popularity)>(ReferenceEqualityComparer.Instance);
        var result = new List<Candidate>(ordered.Count);
        foreach (var candidate in ordered)
        {
            var key = NearDuplicates.Key(candidate.Text);
            if (!leaders.TryGetValue(key, out var leader))
            {
                leaders.Add(key, candidate);
                shown[candidate] = (candidate.DisplayText, candidate.Features.Popularity);
                result.Add(candidate);
                continue;
            }

            // The most popular surface form is shown; ties keep the better-ranked one.
            if (candidate.Features.Popularity > shown[leader].Popularity)
            {
                shown[leader] = (candidate.DisplayText, candidate.Features.Popularity);
            }

            leader.Merge(candidate);
            leader.CollapsedVariants += 1 + candidate.CollapsedVariants;
            leader.ContextFill &= candidate.ContextFill;
        }

        foreach (var (leader, form) in shown)
        {
            leader.DisplayText = form.Text;
        }

        return result;
    }
}
