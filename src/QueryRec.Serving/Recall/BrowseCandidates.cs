using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>Turns index lists into candidates: the list score over the list's best score is the popularity feature.</summary>
internal static class BrowseCandidates
{
    /// <summary>
    /// Adds one candidate per entry to <paramref name="into"/>, scored <c>weight × score / maxScore</c> (rank order
    /// when the list has no positive score), keeping the stronger score when a text repeats.
    /// </summary>
    public static void Add(
        Dictionary<string, Candidate> into,
        IEnumerable<(string Text, double Score)> entries,
        Source source,
        Reason reason,
        double weight = 1.0,
        string categoryHint = "")
    {
        var list = entries.Where(static e => e.Text.Length > 0).ToList();
        var max = list.Count == 0 ? 0 : list.Max(static e => e.Score);
        for (var i = 0; i < list.Count; i++)
        {
            var (text, score) = list[i];
            var normalized = max > 0 ? Math.Max(0, score) / max : 1.0 / (i + 1);
            var value = weight * normalized;
            if (into.TryGetValue(text, out var existing))
            {
                existing.Features.Popularity = Math.Max(existing.Features.Popularity, value);
                continue;
            }

            var candidate = new Candidate(text) { Reason = reason, CategoryHint = categoryHint };
            candidate.AddSource(source);
            candidate.Features.Popularity = value;
            candidate.Features.PopularityMax = 1;
            into.Add(text, candidate);
        }
    }

    public static IReadOnlyList<Candidate> Of(
        IEnumerable<(string Text, double Score)>? entries,
        Source source,
        Reason reason,
        string categoryHint = "")
    {
        if (entries is null)
        {
            return [];
        }

        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        Add(into, entries, source, reason, 1.0, categoryHint);
        return [.. into.Values];
    }

    /// <summary>The newer of a user's history entries weigh more: 1, 1/2, 1/3...</summary>
    public static double RecencyWeight(int index) => 1.0 / (index + 1);
}
