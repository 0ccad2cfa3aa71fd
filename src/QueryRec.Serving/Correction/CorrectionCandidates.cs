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
/// all-hanzi input (py: of its own readings) (<see cref="ReadAsync"/>), and vocabulary texts within the typo bound
/// (the version's typo trie, <see cref="SearchTrieAsync"/>). Each reads its nodes, then the candidates' statistics.
/// </summary>
internal static class CorrectionCandidates
{
    private const int MaxPinyinLookups = 4;

    /// <summary>
    /// The candidates that cost a few exact reads: the mined pair, spacing variants, pinyin and homophone nodes.
    /// </summary>
    public static async Task<List<CorrectionCandidate>> ReadAsync(
        ServingIndex serving, string query, QueryCorrection? mined, CorrectionOptions options, CancellationToken cancellationToken)
    {
        var texts = new Dictionary<string, QueryEdit>(StringComparer.Ordinal);
        if (mined is not null)
        {
            Add(texts, query, mined.Text, options);
        }

        foreach (var variant in SpacingVariants.Of(query, options.MaxSpacingVariants))
        {
            Add(texts, query, variant, options);
        }

        foreach (var node in await PinyinNodesAsync(serving, query, cancellationToken))
        {
            foreach (var completion in node?.Completions ?? [])
            {
                Add(texts, query, completion.Text, options);
            }
        }

        return await WithStatsAsync(serving, texts, mined, cancellationToken);
    }

    /// <summary>
    /// The vocabulary texts within the typo bound of the query (the version's typo trie), other than <paramref name="known"/>:
    /// a CPU walk whose cost grows with the alphabet at the root (thousands of hanzi), so it runs only when the cheap
    /// candidates left the answer uncertain.
    /// </summary>
    public static async Task<List<CorrectionCandidate>> SearchTrieAsync(
        ServingIndex serving, string query, IReadOnlyCollection<CorrectionCandidate> known, CorrectionOptions options, CancellationToken cancellationToken)
    {
        // The budget of the query's own length (a 2-edit walk costs several times a 1-edit one), but 1 for a query one
        // rune short of the shortest correction ("蓝牙耳" for 蓝牙耳机).
        var runes = QueryNormalizer.RuneCount(query);
        var edits = Math.Min(options.MaxEditDistance, Math.Max(QueryEdits.TypoBudget(runes), QueryEdits.TypoBudget(runes + 1) > 0 ? 1 : 0));
        if (serving.Fuzzy.Ready is not { } trie || edits == 0)
        {
            return [];
        }

        var texts = new Dictionary<string, QueryEdit>(StringComparer.Ordinal);
        foreach (var match in trie.Search(query, edits, options.MaxTypoCandidates))
        {
            if (!known.Any(c => string.Equals(c.Text, match.Prefix, StringComparison.Ordinal)))
            {
                Add(texts, query, match.Prefix, options);
            }
        }

        return await WithStatsAsync(serving, texts, null, cancellationToken);
    }

    private static void Add(Dictionary<string, QueryEdit> texts, string query, string text, CorrectionOptions options)
    {
        if (!texts.ContainsKey(text) && Edit(query, text, options) is { Kind: not QueryEditKind.None } edit)
        {
            texts[text] = edit;
        }
    }

    /// <summary>The texts that are queries of the index, with their statistics (one round of reads).</summary>
    private static async Task<List<CorrectionCandidate>> WithStatsAsync(
        ServingIndex serving, Dictionary<string, QueryEdit> texts, QueryCorrection? mined, CancellationToken cancellationToken)
    {
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
