using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Index;
using QueryRec.Serving.Recall;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Correction;

/// <summary>
/// The queries of one index version a submitted query may have meant, each classified by <see cref="QueryEdits"/>:
/// its mined pair (c:), spacing variants that are queries, full-pinyin matches of Latin input (py:), homophones of
/// all-hanzi input (py: of its own readings) and vocabulary texts within the typo bound (the version's typo trie).
/// Reads: the nodes in one round, then the statistics of every candidate in one more.
/// </summary>
internal static class CorrectionCandidates
{
    private const int MaxPinyinLookups = 4;

    public static async Task<List<CorrectionCandidate>> FindAsync(
        ServingIndex serving, string query, QueryCorrection? mined, CorrectionOptions options, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<string, QueryEdit>(StringComparer.Ordinal);
        void Add(string text)
        {
            if (!texts.ContainsKey(text) && Edit(query, text, options) is { Kind: not QueryEditKind.None } edit)
            {
                texts[text] = edit;
            }
        }

        if (mined is not null)
        {
            Add(mined.Text);
        }

        SpacingVariants.Of(query, options.MaxSpacingVariants).ForEach(Add);
        if (serving.Fuzzy.Ready is { } trie)
        {
            var edits = Math.Min(options.MaxEditDistance, QueryEdits.TypoBudget(QueryNormalizer.RuneCount(query) + 1));
            if (edits > 0)
            {
                foreach (var match in trie.Search(query, edits, options.MaxTypoCandidates))
                {
                    Add(match.Prefix);
                }
            }
        }

        foreach (var node in await PinyinNodesAsync(serving, query, cancellationToken))
        {
            foreach (var completion in node?.Completions ?? [])
            {
                Add(completion.Text);
            }
        }

        var list = texts.ToList();
        var stats = await Task.WhenAll(list.Select(t => serving.Snapshot.GetQueryStatsAsync(t.Key, cancellationToken).AsTask()));
        var candidates = new List<CorrectionCandidate>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (stats[i] is { } s)
            {
                var fromMined = mined is not null && string.Equals(mined.Text, list[i].Key, StringComparison.Ordinal);
                candidates.Add(new CorrectionCandidate(list[i].Key, list[i].Value, s, fromMined ? mined : null));
            }
        }

        return candidates;
    }

    /// <summary>The classified edit within the configured bounds, or none.</summary>
    private static QueryEdit Edit(string query, string text, CorrectionOptions options)
    {
        var edit = QueryEdits.Classify(query, text, options.MaxReadingDistance);
        return edit.Kind == QueryEditKind.Typo && edit.Distance > options.MaxEditDistance ? default : edit;
    }

    /// <summary>
    /// The full-pinyin nodes that may hold what the query stands for: the Latin key of a Latin input (its pinyin
    /// reading), or the readings of an all-hanzi input (its homophones).
    /// </summary>
    private static async Task<IReadOnlyList<PrefixNode?>> PinyinNodesAsync(ServingIndex serving, string query, CancellationToken cancellationToken)
    {
        var max = serving.Info.MaxPinyinPrefixLength;
        if (max <= 0)
        {
            return [];
        }

        List<string> keys;
        if (LatinKey.TryCreate(query, out var key))
        {
            keys = [key];
        }
        else if (MatchInput.AllHanzi(query) is { Length: >= 2 })
        {
            keys = [.. PinyinConverter.Default.Keys(query, MatchInput.MaxVariants(serving.Info)).Take(MaxPinyinLookups).Select(static k => k.Full).Distinct(StringComparer.Ordinal)];
        }
        else
        {
            return [];
        }

        var lookups = keys.Select(k => MatchInput.Truncate(k, max)).Distinct(StringComparer.Ordinal).ToList();
        return await CompletionNodes.ReadNodesAsync(serving.Snapshot, CompletionTable.PinyinFull, lookups, serving.Info, cancellationToken);
    }
}
