using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Multiplies the score of candidates found by any of <paramref name="sources"/> by a weight: on shading words, the
/// caller's own words (q2q of their searches, i2q of their views) outrank the hot words every list starts from.
/// </summary>
internal sealed class BoostSources(IReadOnlyCollection<Source> sources, Func<StrategyOptions, double> weight) : IRerankStep<BrowseContext>
{
    public string Name => "boost";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var w = weight(state.Context.Options);
        foreach (var candidate in candidates)
        {
            if (candidate.Sources.ContainsAny(sources))
            {
                candidate.Score *= w;
            }
        }

        return ValueTask.FromResult(candidates);
    }
}
