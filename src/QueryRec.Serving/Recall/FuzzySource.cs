using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Typo tolerance, when exact recall is thin: walks the version's <see cref="Index.FuzzyTrie"/> for the vocabulary
/// prefixes within k edits of the input (k = 1 from <see cref="MatchingOptions.FuzzyMinLength"/> runes, 2 from
/// <see cref="MatchingOptions.FuzzyTwoEditsLength"/>), takes the nearest and most popular few and reads their
/// prefix-table nodes in one batched read. Until the version's matcher is built the source is skipped (see
/// <see cref="Unavailable"/>).
/// </summary>
internal sealed class FuzzySource(MatchingOptions options) : IRecallSource<SuggestContext>
{
    public string Name => "fuzzy";

    /// <summary>Inline when it does not apply; the trie walk itself runs after a thread-pool hop (see <see cref="RecallAsync"/>).</summary>
    public bool RunsInline => true;

    /// <summary>True when the source would run for this request but the version's matcher is not built yet.</summary>
    public bool Unavailable(SuggestContext context)
        => WouldRun(context, out var serving) && serving.Fuzzy.Ready is null;

    /// <summary>True when the source would walk the trie for <paramref name="context"/> (else it recalls nothing).</summary>
    public bool Applies(SuggestContext context)
        => WouldRun(context, out var serving) && serving.Fuzzy.Ready is not null;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (!WouldRun(context, out var serving) || serving.Fuzzy.Ready is not { } trie)
        {
            return [];
        }

        // The walk is long synchronous work (milliseconds for two edits): off the caller's thread, so that the other
        // sources are not held up and the round's budget can still cut it.
        await Task.Yield();
        var input = QueryNormalizer.TruncateRunes(context.Prefix, serving.MaxPrefixLength);
        var runes = input.EnumerateRunes().Count();
        var maxEdits = runes >= options.FuzzyTwoEditsLength ? 2 : 1;
        var matches = trie.Search(input, maxEdits, options.MaxFuzzyPrefixes);
        if (matches.Count == 0)
        {
            return [];
        }

        var nodes = await CompletionNodes.ReadNodesAsync(serving.Snapshot, CompletionTable.Prefix, matches.Select(static m => m.Prefix).ToList(), serving.Info, cancellationToken);
        var into = context.NewList();
        for (var i = 0; i < nodes.Count; i++)
        {
            var distance = matches[i].Distance;
            MatchInput.Add(
                context.Arena,
                into,
                nodes[i],
                0,
                (c, _) => !c.Text.StartsWith(context.Prefix, StringComparison.Ordinal),
                Source.Fuzzy,
                Reason.TypoCorrected,
                MatchKind.Fuzzy,
                _ => distance);
        }

        return into;
    }

    private bool WouldRun(SuggestContext context, out Index.ServingIndex serving)
    {
        serving = context.Serving!;
        return options.Fuzzy
               && context.ExactRecallThin
               && !context.ReadsAsPinyin
               && context.Serving is { Fuzzy.Available: true }
               && context.Prefix.EnumerateRunes().Count() >= options.FuzzyMinLength;
    }
}
