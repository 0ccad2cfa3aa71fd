using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Operator pins: the index's whitelist pins (<c>w:pins</c>) and the pins of the configuration
/// (<c>QueryRec:Strategies:Pins</c>, read per request, so hot-reloaded); the uncategorized ones and those of
/// the context category.
/// </summary>
internal sealed class Pins(Func<StrategyOptions, IReadOnlyList<PinOption>> configured) : IRecallSource<BrowseContext>
{
    public string Name => "pins";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        var result = new List<Candidate>();
        foreach (var pin in configured(context.Options))
        {
            Add(result, QueryNormalizer.Normalize(pin.Query), pin.Category, context);
        }

        if (context.Serving is { } serving && await serving.Snapshot.GetPinsAsync(cancellationToken) is { } pins)
        {
            foreach (var pin in pins.Pins)
            {
                Add(result, pin.Text, pin.Category, context);
            }
        }

        return result;
    }

    private static void Add(List<Candidate> result, string text, string category, BrowseContext context)
    {
        if (text.Length == 0 || (category.Length > 0 && !string.Equals(category, context.Category, StringComparison.Ordinal)))
        {
            return;
        }

        var candidate = new Candidate(text) { Reason = Reason.Pinned, CategoryHint = category };
        candidate.AddSource(Source.Pinned);
        candidate.Features.Popularity = 1;
        candidate.Features.PopularityMax = 1;
        result.Add(candidate);
    }
}
