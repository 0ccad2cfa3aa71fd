using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Any-order infix fallback, when exact and infix recall together are still thin and the input has two or more
/// parts (space-separated words, or for an all-hanzi input, splits leaving two or more hanzi on each side, the most
/// central first): reads the prefix and infix nodes of every part in two batched reads and keeps the completions
/// that contain every part, the last one at a word start. "长款连衣" finds "连衣裙长款".
/// </summary>
internal sealed class AnyOrderInfixSource(MatchingOptions options) : IRecallSource<SuggestContext>
{
    public string Name => "any_order";

    /// <summary>Index node reads only: runs on the caller's thread (see <see cref="IRecallSource{TContext}.RunsInline"/>).</summary>
    public bool RunsInline => true;

    /// <summary>True when the source would look anything up for <paramref name="context"/> (else it recalls nothing).</summary>
    public bool Applies(SuggestContext context)
        => options.Infix
           && context.InfixRecallThin
           && context.Serving is { Info.MaxInfixPrefixLength: > 0 }
           && Splits(context.Prefix, options.MaxAnyOrderSplits).Count > 0;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (!options.Infix
            || !context.InfixRecallThin
            || context.Serving is not { Info.MaxInfixPrefixLength: > 0 and var maxInfix } serving)
        {
            return [];
        }

        var splits = Splits(context.Prefix, options.MaxAnyOrderSplits);
        if (splits.Count == 0)
        {
            return [];
        }

        var parts = splits.SelectMany(static s => s).Distinct(StringComparer.Ordinal).ToList();
        var prefixNodes = CompletionNodes.ReadNodesAsync(
            serving.Snapshot, CompletionTable.Prefix, parts.Select(p => QueryNormalizer.TruncateRunes(p, serving.MaxPrefixLength)).ToList(), serving.Info, cancellationToken).AsTask();
        var infixNodes = CompletionNodes.ReadNodesAsync(
            serving.Snapshot, CompletionTable.Infix, parts.Select(p => QueryNormalizer.TruncateRunes(p, maxInfix)).ToList(), serving.Info, cancellationToken).AsTask();
        var into = context.NewList();
        bool Keep(Completion c, int unused) => !c.Text.StartsWith(context.Prefix, StringComparison.Ordinal) && splits.Exists(split => Matches(c.Text, split));
        foreach (var node in (await prefixNodes).Concat(await infixNodes))
        {
            MatchInput.Add(context.Arena, into, node, 0, Keep, Source.Infix, Reason.InfixMatch, MatchKind.AnyOrderInfix);
        }

        return into;
    }

    /// <summary>The ways to cut the input into parts: its words, or central splits of an all-hanzi input.</summary>
    internal static List<string[]> Splits(string prefix, int maxSplits)
    {
        var words = prefix.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length >= 2)
        {
            return [words];
        }

        if (MatchInput.AllHanzi(prefix) is not { Length: >= 4 } runes)
        {
            return [];
        }

        // Split points from the middle outwards, each side keeping at least two hanzi.
        var points = Enumerable.Range(2, runes.Length - 3)
            .OrderBy(p => Math.Abs((2 * p) - runes.Length))
            .ThenBy(static p => p)
            .Take(maxSplits);
        return points
            .Select(p => new[] { string.Concat(runes[..p].Select(static r => r.ToString())), string.Concat(runes[p..].Select(static r => r.ToString())) })
            .ToList();
    }

    private static bool Matches(string text, string[] parts)
    {
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (!text.Contains(parts[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return MatchInput.StartsWordIn(text, parts[^1], allowStart: true);
    }
}
