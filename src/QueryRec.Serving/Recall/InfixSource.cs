using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Word-start infix recall (<c>x:</c>): "dress" finds "red dress", "长款" finds "连衣裙长款". A key longer than the
/// version's <c>max_infix_prefix_length</c> is looked up truncated and the completions filtered by containment at a
/// later word start.
/// </summary>
internal sealed class InfixSource(MatchingOptions options) : IRecallSource<SuggestContext>
{
    public string Name => "infix";

    /// <summary>Index node reads only: runs on the caller's thread (see <see cref="IRecallSource{TContext}.RunsInline"/>).</summary>
    public bool RunsInline => true;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (!options.Infix || context.Serving is not { Info.MaxInfixPrefixLength: > 0 and var max } serving || context.Prefix.AsSpan().Trim().IsEmpty)
        {
            return [];
        }

        var prefix = context.Prefix;
        var node = await CompletionNodes.ReadNodeAsync(serving.Snapshot, CompletionTable.Infix, QueryNormalizer.TruncateRunes(prefix, max), serving.Info, cancellationToken);
        var into = context.NewList(node?.Completions.Count ?? 0);
        MatchInput.Add(
            context.Arena,
            into,
            node,
            prefix,
            static (c, prefix) => !c.Text.StartsWith(prefix, StringComparison.Ordinal) && MatchInput.StartsWordIn(c.Text, prefix, allowStart: false),
            Source.Infix,
            Reason.InfixMatch,
            MatchKind.Infix);
        return into;
    }
}
