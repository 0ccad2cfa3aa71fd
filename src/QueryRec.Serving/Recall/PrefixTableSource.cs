using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>Completions from the prefix table of the active index version (most popular completion).</summary>
internal sealed class PrefixTableSource : IRecallSource<SuggestContext>
{
    public string Name => "prefix";

    /// <summary>Index node reads only: runs on the caller's thread (see <see cref="IRecallSource{TContext}.RunsInline"/>).</summary>
    public bool RunsInline => true;

    /// <summary>Keeps the reasons published before the pipeline: <c>store_timeout:prefix</c>, <c>store_error:prefix</c>.</summary>
    public string ReasonKind => "store";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var key = QueryNormalizer.TruncateRunes(context.Prefix, serving.MaxPrefixLength);
        var node = await CompletionNodes.ReadNodeAsync(serving.Snapshot, CompletionTable.Prefix, key, serving.Info, cancellationToken);
        if (node is null)
        {
            return [];
        }

        // A node keyed by a truncated prefix holds completions of the shorter key: filter to the full prefix.
        var exactNode = key.Length == context.Prefix.Length;
        // Indexed loops: a foreach over a RepeatedField allocates its iterator.
        var max = 0.0;
        for (var c = 0; c < node.Completions.Count; c++)
        {
            var completion = node.Completions[c];
            max = Math.Max(max, completion.Score);
        }

        var result = context.NewList(node.Completions.Count);
        for (var c = 0; c < node.Completions.Count; c++)
        {
            var completion = node.Completions[c];
            if (!exactNode && !completion.Text.StartsWith(context.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = context.NewCandidate(completion.Text);
            candidate.Reason = Reason.PopularCompletion;
            candidate.CategoryHint = completion.CategoryHint;
            candidate.TopCategories = completion.TopCategories;
            candidate.AddSource(Source.Prefix);
            candidate.Features.Popularity = completion.Score;
            candidate.Features.PopularityMax = max;
            candidate.Features.SetOutcomes(completion);
            result.Add(candidate);
        }

        return result;
    }
}
