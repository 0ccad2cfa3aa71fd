using Microsoft.Extensions.Options;
using QueryRec.Core.Matching;
using QueryRec.Serving.Index;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Correction;

/// <summary>
/// Corrects a submitted query against one index version (docs/correction.md). A popular query (at least
/// <see cref="CorrectionOptions.PopularCount"/> searches, or pinned) is never corrected; a candidate must be a kept
/// query without zero results, searched <see cref="CorrectionOptions.PopularityRatio"/> times as often as the query
/// (whose count is its statistics', else its mined pair's, else 0), within the edit and reading bounds.
/// </summary>
internal sealed class QueryCorrector(IOptionsMonitor<CorrectionOptions> options)
{
    public CorrectionOptions Options => options.CurrentValue;

    /// <summary>The correction of <paramref name="query"/> (normalized; <paramref name="raw"/> as typed, for form corrections), or null.</summary>
    public async Task<CorrectionResult?> CorrectAsync(
        ServingIndex serving, string? raw, string query, int? resultCount, string category, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var statsTask = serving.Snapshot.GetQueryStatsAsync(query, cancellationToken).AsTask();
        var minedTask = serving.Snapshot.GetCorrectionAsync(query, cancellationToken).AsTask();
        var stats = await statsTask;
        var mined = await minedTask;
        if (raw is not null && FormCorrection.HasFoldedForm(raw) && stats is { Count: > 0 } && !ZeroResult(stats))
        {
            return new CorrectionResult(query, QueryEditKind.Form, 0, 1.0, true, false, stats.CategoryHint);
        }

        if (stats is { } own && (own.Count >= o.PopularCount || own.Pinned))
        {
            return null;
        }

        var queryCount = stats?.Count ?? mined?.QueryCount ?? 0;
        var candidates = await CorrectionCandidates.ReadAsync(serving, query, mined, o, cancellationToken);
        var choice = Choose(candidates, queryCount, category, o);
        if (choice is null || choice.Value.Confidence < o.RewriteConfidence)
        {
            // Only an uncertain answer pays for the typo trie.
            candidates.AddRange(await CorrectionCandidates.SearchTrieAsync(serving, query, candidates, o, cancellationToken));
            choice = Choose(candidates, queryCount, category, o);
        }

        if (choice is not ({ } best, var confidence) || confidence < o.MinConfidence)
        {
            return null;
        }

        var rewrite = confidence >= o.RewriteConfidence || (resultCount == 0 && confidence >= o.ZeroResultRewriteConfidence);
        return new CorrectionResult(best.Text, best.Edit.Kind, best.Edit.Distance, confidence, rewrite, best.Mined is not null, best.Stats.CategoryHint);
    }

    /// <summary>The candidate that passes the guards and weighs most, with its confidence; null when none passes.</summary>
    private static (CorrectionCandidate Best, double Confidence)? Choose(List<CorrectionCandidate> candidates, long queryCount, string category, CorrectionOptions o)
    {
        var passing = candidates
            .Where(c => !ZeroResult(c.Stats) && c.Stats.Count >= o.PopularityRatio * Math.Max(queryCount, 1))
            .OrderByDescending(c => Weight(c, category))
            .ThenBy(static c => c.Text, StringComparer.Ordinal)
            .ToList();
        if (passing.Count == 0)
        {
            return null;
        }

        var second = passing.Count > 1 ? Weight(passing[1], category) : 0;
        return (passing[0], Confidence(passing[0], queryCount, Weight(passing[0], category), second));
    }

    /// <summary>
    /// The edit's own certainty (<see cref="KindCertainty"/>) × the share of searches the correction has over the two
    /// queries × how far it leads the runner-up (½ + ½ · best / (best + second)); a mined pair adds its share of the
    /// query's reformulations, trusted fully from two sessions: 1 − (1 − that) × (1 − share × min(1, sessions / 2)).
    /// </summary>
    internal static double Confidence(CorrectionCandidate best, long queryCount, double bestWeight, double secondWeight)
    {
        var share = (double)best.Stats.Count / (best.Stats.Count + queryCount);
        var lead = 0.5 + (0.5 * bestWeight / (bestWeight + secondWeight));
        var online = KindCertainty(best.Edit) * share * lead;
        if (best.Mined is not { } mined)
        {
            return online;
        }

        var minedShare = mined.SourceSessions == 0 ? 0 : (double)mined.Sessions / mined.SourceSessions;
        return 1 - ((1 - online) * (1 - (minedShare * Math.Min(1.0, mined.Sessions / 2.0))));
    }

    /// <summary>How sure an edit of its kind is on its own: spacing and pinyin are near certain, two edits much less than one.</summary>
    internal static double KindCertainty(QueryEdit edit) => edit.Kind switch
    {
        QueryEditKind.Spacing or QueryEditKind.Pinyin => 0.95,
        QueryEditKind.Homophone => edit.Distance <= 1 ? 0.9 : 0.8,
        QueryEditKind.Typo => edit.Distance <= 1 ? 0.9 : 0.75,
        _ => 0,
    };

    /// <summary>Searches, doubled when the candidate belongs to the page's category, ×4 for the mined pair (what users did).</summary>
    private static double Weight(CorrectionCandidate c, string category)
        => c.Stats.Count
           * (category.Length > 0 && c.Stats.TopCategories.Any(t => string.Equals(t.Category, category, StringComparison.Ordinal)) ? 2 : 1)
           * (c.Mined is not null ? 4 : 1);

    /// <summary>Every search with a known result count found nothing.</summary>
    internal static bool ZeroResult(QueryStats stats) => stats.SearchesWithResultCount > 0 && stats.ZeroResultSearches >= stats.SearchesWithResultCount;
}
