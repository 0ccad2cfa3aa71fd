using System.Text;
using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>How the typed input looks to the matchers: Latin (pinyin candidate), all hanzi (mixed input: <see cref="MixedInput"/>).</summary>
internal static class MatchInput
{
    /// <summary>
    /// True for a hanzi: what the pinyin converter knows, and any CJK unified ideograph (so an input is classified
    /// the same way whether or not the converter has a reading for a rare character).
    /// </summary>
    public static bool IsHanzi(Rune rune)
        => PinyinConverter.Default.IsHanzi(rune)
           || rune.Value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2EBEF) or (>= 0xF900 and <= 0xFAFF);

    /// <summary>
    /// A Latin input (ASCII letters and digits, at least one letter; spaces and punctuation dropped): its pinyin
    /// lookup key, made as the indexer makes its keys (<see cref="LatinKey"/>): "luosi m6-20" → "luosim620".
    /// </summary>
    public static bool TryLatinKey(string prefix, out string key) => LatinKey.TryCreate(prefix, out key);

    /// <summary>The input's runes when every one is a hanzi, else null.</summary>
    public static Rune[]? AllHanzi(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToArray();
        return runes.Length > 0 && Array.TrueForAll(runes, IsHanzi) ? runes : null;
    }

    /// <summary>
    /// True when <paramref name="part"/> occurs in <paramref name="text"/> at a word start: the beginning (when
    /// <paramref name="allowStart"/>), or a later word start as the indexer's infix table defines it
    /// (<see cref="InfixWordStarts"/>: after a space, at any hanzi, at a letter or digit right after a hanzi).
    /// </summary>
    public static bool StartsWordIn(string text, string part, bool allowStart)
        => part.Length > 0
           && ((allowStart && text.StartsWith(part, StringComparison.Ordinal)) || InfixWordStarts.Contains(text, part));

    /// <summary>The pinyin variants a version expands to (its own bound; 16 when it does not say).</summary>
    public static int MaxVariants(IndexInfo info) => CompletionNodes.MaxVariants(info);

    /// <summary>Truncates an ASCII key to the indexed length.</summary>
    public static string Truncate(string key, int max) => key.Length <= max ? key : key[..max];

    /// <summary>
    /// Turns the completions of <paramref name="node"/> that <paramref name="keep"/> accepts (all when null) into
    /// candidates of one matcher, appended to <paramref name="into"/> in node order; a text already there is merged
    /// into its candidate instead (a linear search: a source's list holds a few nodes' completions).
    /// </summary>
    public static void Add<TState>(
        CandidateArena? arena,
        List<Candidate> into,
        PrefixNode? node,
        TState state,
        Func<Completion, TState, bool>? keep,
        Source source,
        Reason reason,
        MatchKind matchType,
        Func<Completion, int>? editDistance = null)
        => AddCore(arena, into, node, state, keep, null, source, reason, matchType, editDistance);

    /// <summary>
    /// As <see cref="Add{TState}"/>, where <paramref name="weigh"/> both filters and weighs: a completion is dropped when
    /// it gives 0 or less, else its popularity is multiplied by what it gives.
    /// </summary>
    public static void AddWeighed<TState>(
        CandidateArena? arena,
        List<Candidate> into,
        PrefixNode? node,
        TState state,
        Func<Completion, TState, double> weigh,
        Source source,
        Reason reason,
        MatchKind matchType)
        => AddCore(arena, into, node, state, null, weigh, source, reason, matchType, null);

    private static void AddCore<TState>(
        CandidateArena? arena,
        List<Candidate> into,
        PrefixNode? node,
        TState state,
        Func<Completion, TState, bool>? keep,
        Func<Completion, TState, double>? weigh,
        Source source,
        Reason reason,
        MatchKind matchType,
        Func<Completion, int>? editDistance)
    {
        if (node is null)
        {
            return;
        }

        // Indexed loops: a foreach over a RepeatedField allocates its iterator.
        var max = 0.0;
        for (var c = 0; c < node.Completions.Count; c++)
        {
            var completion = node.Completions[c];
            max = Math.Max(max, completion.Score);
        }

        for (var c = 0; c < node.Completions.Count; c++)
        {
            var completion = node.Completions[c];
            if (keep is not null && !keep(completion, state))
            {
                continue;
            }

            var weight = weigh?.Invoke(completion, state) ?? 1.0;
            if (weight <= 0)
            {
                continue;
            }

            var candidate = arena?.Rent(completion.Text) ?? new Candidate(completion.Text);
            candidate.Reason = reason;
            candidate.CategoryHint = completion.CategoryHint;
            candidate.AddSource(source);
            candidate.Features.Popularity = completion.Score * weight;
            candidate.Features.PopularityMax = max;
            candidate.Features.SetOutcomes(completion);
            candidate.Features.MatchType = matchType;
            candidate.Features.EditDistance = editDistance?.Invoke(completion) ?? 0;
            var existing = IndexOf(into, completion.Text);
            if (existing >= 0)
            {
                into[existing].Merge(candidate);
            }
            else
            {
                into.Add(candidate);
            }
        }
    }

    private static int IndexOf(List<Candidate> candidates, string text)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (string.Equals(candidates[i].Text, text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
