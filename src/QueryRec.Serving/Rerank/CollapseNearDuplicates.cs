using QueryRec.Core.Matching;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Folds near-duplicate candidates into one item, on candidates in rank order (<see cref="NearDuplicateCollapse"/>), by
/// the collapse keys of the call's index version (<paramref name="keysOf"/>). With <paramref name="showFoldedInto"/>
/// (lists no typed prefix binds the spelling of: Discover, shading words), an item left with only spellings the build
/// folded shows the spelling they were folded into ("smart watch" alone in a related list shows as "smartwatch").
/// </summary>
internal sealed class CollapseNearDuplicates<TContext>(Func<TContext, NearDuplicateKeys> keysOf, bool showFoldedInto = false) : IRerankStep<TContext>
{
    public string Name => "collapse";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<TContext> state, CancellationToken cancellationToken)
    {
        var keys = keysOf(state.Context);
        var collapsed = NearDuplicateCollapse.Apply(candidates, keys);
        if (showFoldedInto && keys.Count > 0)
        {
            foreach (var candidate in collapsed)
            {
                if (keys.TryGetShown(candidate.DisplayText, out var shown))
                {
                    candidate.DisplayText = shown;
                }
            }
        }

        return ValueTask.FromResult(collapsed);
    }
}
