using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Index;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Recall of a mixed input (<see cref="MixedInput"/>: "连yi", "佳nengr5", "iphone手ji壳"), kept to the queries whose text
/// starts with the input unit by unit (<see cref="MixedInput.MatchEnd"/>).
/// </summary>
/// <remarks>
/// A node holds only the top-K queries of its key, and the full-pinyin node of a mixed input is shared with every
/// homophone of its hanzi ("py:qie" holds 切 before 企), so it may keep few or none of the queries that agree with
/// the typed hanzi. Two more reads of the prefix table widen it, both only for mixed input:
/// <list type="number">
/// <item>with the pinyin nodes, the node of the input's literal head ("p:企" for "企e");</item>
/// <item>when no node read so far is complete (each held top-K, so more may match), the nodes of the literal text
/// the input stands for in the queries found ("p:企鹅" for "企e" from 企鹅狗, "p:佳能r" for "佳nengr"): every query
/// there agrees with the typed hanzi and reads the typed pinyin the same way. At most
/// <see cref="MatchingOptions.MaxLookupVariants"/> such texts, in node order (most popular first within a node);
/// one more round trip.</item>
/// </list>
/// </remarks>
internal static class MixedRecall
{
    public static async ValueTask RecallAsync(
        CandidateArena? arena, List<Candidate> into, MixedInput input, ServingIndex serving, MatchingOptions options, CancellationToken cancellationToken)
    {
        var info = serving.Info;
        var max = info.MaxPinyinPrefixLength;
        var lookups = input.LookupKeys(MatchInput.MaxVariants(info), options.MaxLookupVariants)
            .Select(k => MatchInput.Truncate(k, max))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // Both reads start before either is awaited (concurrent on Redis; synchronous on the embedded store).
        var pinyinRead = CompletionNodes.ReadNodesAsync(serving.Snapshot, CompletionTable.PinyinFull, lookups, info, cancellationToken);
        var headRead = input.LiteralHead.Length > 0
            ? CompletionNodes.ReadNodeAsync(serving.Snapshot, CompletionTable.Prefix, Literal(input.LiteralHead, serving), info, cancellationToken)
            : default;
        var pinyinNodes = await pinyinRead;
        var headNode = await headRead;

        // A node with fewer than top-K completions holds every query of its key. The literal head's node covers all the
        // queries that agree with the input; the pinyin nodes cover them together (one per reading of the typed hanzi).
        var complete = IsComplete(headNode, info) || pinyinNodes.All(n => n is null || IsComplete(n, info));
        var texts = new List<string>(options.MaxLookupVariants);
        foreach (var node in pinyinNodes)
        {
            Add(arena, into, node, input, texts, complete ? 0 : options.MaxLookupVariants, null);
        }

        // The index's own weight, so that its pinyin tables and these matches agree; older versions do not record it.
        var secondary = info.HasPinyinSecondaryWeight ? info.PinyinSecondaryWeight : options.MixedSecondaryReadingWeight;
        Add(arena, into, headNode, input, texts, complete ? 0 : options.MaxLookupVariants, secondary);
        if (texts.Count == 0)
        {
            return;
        }

        var literal = texts.Select(t => Literal(t, serving)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var node in await CompletionNodes.ReadNodesAsync(serving.Snapshot, CompletionTable.Prefix, literal, info, cancellationToken))
        {
            Add(arena, into, node, input, null, 0, secondary);
        }
    }

    /// <summary>
    /// Adds the completions of <paramref name="node"/> that start with the input; when <paramref name="texts"/> is given,
    /// collects there the literal texts the input stands for in them (new ones, at most <paramref name="maxTexts"/>).
    /// A prefix-table completion read through n non-first readings of its hanzi has its popularity scaled by
    /// <see cref="MatchingOptions.MixedSecondaryReadingWeight"/>ⁿ, as the indexer scales the pinyin tables' scores (whose
    /// completions are taken as scored): "海shi" is far more likely 海氏 than 海斯 (斯 read shi).
    /// </summary>
    private static void Add(
        CandidateArena? arena, List<Candidate> into, PrefixNode? node, MixedInput input, List<string>? texts, int maxTexts, double? secondaryWeight)
        => MatchInput.AddWeighed(
            arena,
            into,
            node,
            (Input: input, Texts: texts, Max: maxTexts, Weight: secondaryWeight),
            static (c, s) =>
            {
                var end = s.Input.MatchEnd(c.Text, out var secondary);
                if (end < 0)
                {
                    return 0;
                }

                if (s.Texts is { } texts && texts.Count < s.Max)
                {
                    var text = c.Text[..end];
                    if (!texts.Contains(text) && text != s.Input.LiteralHead && text != s.Input.Text)
                    {
                        texts.Add(text);
                    }
                }

                return s.Weight is { } weight && secondary > 0 ? Math.Pow(weight, secondary) : 1;
            },
            Source.PinyinMixed,
            Reason.PinyinMatch,
            MatchKind.PinyinMixed);

    private static bool IsComplete(PrefixNode? node, IndexInfo info) => node is not null && node.Completions.Count < info.TopK;

    /// <summary>A prefix-table key: the text cut to the indexed length (the completions are filtered by <see cref="MixedInput.MatchEnd"/> anyway).</summary>
    private static string Literal(string text, ServingIndex serving) => QueryNormalizer.TruncateRunes(text, serving.MaxPrefixLength);
}
