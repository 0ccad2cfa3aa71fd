using QueryRec.Contracts.V1;
using QueryRec.Serving.Correction;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Alternatives for a context query whose search found nothing (the ALTERNATIVES section): its correction (weight 1),
/// the queries that complete it as typed (a word cut short, a hanzi dropped; 0.6), its broader forms that are queries
/// (<see cref="Relaxations"/>; 0.5), the related list of the corrected form, else of the best broader form (0.4), and
/// the hot list of the likely category: the page's, else the correction's, else the broader form's, else global (0.2).
/// Only queries of the index are recalled, so a zero-result query (which the build leaves out) never is; the filter
/// step also drops one whose statistics say so.
/// </summary>
internal sealed class AlternativesOfQuery(QueryCorrector corrector) : IRecallSource<BrowseContext>
{
    public const double CorrectionWeight = 1.0, CompletionWeight = 0.6, RelaxationWeight = 0.5, RelatedWeight = 0.4, HotWeight = 0.2;

    public string Name => "alternatives";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.Query.Length == 0)
        {
            return [];
        }

        var query = context.Query;
        var snapshot = serving.Snapshot;
        var correctionTask = corrector.CorrectAsync(serving, null, query, 0, context.Category, cancellationToken);
        var completionsTask = CompletionNodes.ReadNodeAsync(snapshot, CompletionTable.Prefix, query, serving.Info, cancellationToken).AsTask();
        var relaxations = Relaxations.Of(query);
        var relaxedTask = Task.WhenAll(relaxations.Select(r => snapshot.GetQueryStatsAsync(r, cancellationToken).AsTask()));
        var correction = await correctionTask;
        var completions = await completionsTask;
        var relaxed = await relaxedTask;

        var broader = relaxations.Zip(relaxed).Where(static p => p.Second is { } s && !QueryCorrector.ZeroResult(s)).OrderByDescending(static p => p.Second!.Count).ToList();
        var basis = correction?.Text ?? (broader.Count > 0 ? broader[0].First : null);
        var category = context.Category.Length > 0 ? context.Category
            : correction?.CategoryHint is { Length: > 0 } hint ? hint
            : broader.Count > 0 ? broader[0].Second!.CategoryHint : IndexKeys.GlobalCategory;
        var relatedTask = basis is null ? Task.FromResult<Storage.V1.RelatedQueries?>(null) : snapshot.GetDiscoveryRelatedAsync(basis, cancellationToken).AsTask();
        var hotTask = snapshot.GetHotAsync(category, cancellationToken).AsTask();

        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        if (correction is not null)
        {
            BrowseCandidates.Add(into, [(correction.Text, 1.0)], Source.Fuzzy, Reason.TypoCorrected, CorrectionWeight, correction.CategoryHint);
        }

        BrowseCandidates.Add(into, completions?.Completions.Where(c => c.Text != query).Select(static c => (c.Text, c.Score)) ?? [], Source.Prefix, Reason.PopularCompletion, CompletionWeight);
        BrowseCandidates.Add(into, broader.Select(static p => (p.First, (double)p.Second!.Count)), Source.Relaxation, Reason.Broader, RelaxationWeight);
        BrowseCandidates.Add(into, (await relatedTask)?.Queries.Select(static q => (q.Text, q.Score)) ?? [], Source.Q2Q, Reason.Related, RelatedWeight);
        BrowseCandidates.Add(into, (await hotTask)?.Queries.Select(static q => (q.Text, q.Score)) ?? [], category.Length > 0 ? Source.CategoryHot : Source.Hot, Reason.Hot, HotWeight);
        return [.. into.Values];
    }
}
