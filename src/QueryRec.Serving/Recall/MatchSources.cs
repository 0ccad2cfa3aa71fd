using System.Text;
using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>How the typed input looks to the matchers: Latin (pinyin candidate), hanzi head + Latin tail, all hanzi.</summary>
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
    /// A Latin input (ASCII letters and digits, spaces ignored, at least one letter): its pinyin lookup key, the
    /// letters and digits without spaces.
    /// </summary>
    public static bool TryLatinKey(string prefix, out string key)
    {
        var letters = 0;
        var spaces = 0;
        foreach (var ch in prefix)
        {
            if (ch is >= 'a' and <= 'z')
            {
                letters++;
            }
            else if (ch == ' ')
            {
                spaces++;
            }
            else if (ch is not (>= '0' and <= '9'))
            {
                key = string.Empty;
                return false;
            }
        }

        // Most inputs have no space: the key is the input itself.
        key = spaces == 0 ? prefix : string.Create(prefix.Length - spaces, prefix, static (span, text) =>
        {
            var at = 0;
            foreach (var ch in text)
            {
                if (ch != ' ')
                {
                    span[at++] = ch;
                }
            }
        });
        return letters > 0;
    }

    /// <summary>
    /// A mixed input: a head ending with a hanzi, then a tail of Latin letters (spaces ignored): "连yi" → ("连", "yi"),
    /// "连衣 qun" → ("连衣", "qun").
    /// </summary>
    public static bool TryMixed(string prefix, out string head, out string tail)
    {
        head = tail = string.Empty;
        var lastHanziEnd = -1;
        var index = 0;
        foreach (var rune in prefix.EnumerateRunes())
        {
            index += rune.Utf16SequenceLength;
            if (IsHanzi(rune))
            {
                lastHanziEnd = index;
            }
        }

        if (lastHanziEnd <= 0 || lastHanziEnd == prefix.Length)
        {
            return false;
        }

        var builder = new StringBuilder();
        foreach (var ch in prefix.AsSpan(lastHanziEnd))
        {
            if (ch is >= 'a' and <= 'z')
            {
                builder.Append(ch);
            }
            else if (ch != ' ')
            {
                return false;
            }
        }

        if (builder.Length == 0)
        {
            return false;
        }

        head = prefix[..lastHanziEnd];
        tail = builder.ToString();
        return true;
    }

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
        List<Candidate> into,
        PrefixNode? node,
        TState state,
        Func<Completion, TState, bool>? keep,
        Source source,
        Reason reason,
        MatchKind matchType,
        Func<Completion, int>? editDistance = null)
    {
        if (node is null)
        {
            return;
        }

        var max = 0.0;
        foreach (var completion in node.Completions)
        {
            max = Math.Max(max, completion.Score);
        }

        foreach (var completion in node.Completions)
        {
            if (keep is not null && !keep(completion, state))
            {
                continue;
            }

            var candidate = new Candidate(completion.Text) { Reason = reason, CategoryHint = completion.CategoryHint };
            candidate.AddSource(source);
            candidate.Features.Popularity = completion.Score;
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

/// <summary>
/// Pinyin recall. A Latin input looks up the full-pinyin table (<c>py:</c>) and, from two characters on, the
/// initials table (<c>pi:</c>), alongside the prefix source's <c>p:</c> read, so "lian" merges English and pinyin
/// completions. A mixed input (hanzi head, pinyin tail: "连yi") looks up <c>py:{reading of the head}{tail}</c> for the
/// head's first readings and keeps the completions that start with the head. The completion's own text is what is
/// shown. A key longer than the version's <c>max_pinyin_prefix_length</c> is looked up truncated and the completions
/// are filtered by their own pinyin keys.
/// </summary>
internal sealed class PinyinSource(MatchingOptions options) : IRecallSource<SuggestContext>
{
    public string Name => "pinyin";

    /// <summary>Index node reads only: runs on the caller's thread (see <see cref="IRecallSource{TContext}.RunsInline"/>).</summary>
    public bool RunsInline => true;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (!options.Pinyin || context.Serving is not { Info.MaxPinyinPrefixLength: > 0 and var max } serving)
        {
            return [];
        }

        var variants = MatchInput.MaxVariants(serving.Info);
        var into = new List<Candidate>();
        if (MatchInput.TryLatinKey(context.Prefix, out var key))
        {
            var lookup = MatchInput.Truncate(key, max);
            var truncated = lookup.Length < key.Length;

            // Both reads start before either is awaited (concurrent on Redis; synchronous on the embedded store).
            var full = CompletionNodes.ReadNodeAsync(serving.Snapshot, CompletionTable.PinyinFull, lookup, serving.Info, cancellationToken);
            var initials = key.Length >= 2
                ? CompletionNodes.ReadNodeAsync(serving.Snapshot, CompletionTable.PinyinInitials, lookup, serving.Info, cancellationToken)
                : default;
            MatchInput.Add(
                into,
                await full,
                (Key: key, Variants: variants),
                truncated ? static (c, s) => PinyinConverter.Default.Keys(c.Text, s.Variants).Any(k => k.Full.StartsWith(s.Key, StringComparison.Ordinal)) : null,
                Source.PinyinFull,
                Reason.PinyinMatch,
                MatchKind.PinyinFull);
            MatchInput.Add(
                into,
                await initials,
                (Key: key, Variants: variants),
                truncated ? static (c, s) => PinyinConverter.Default.Keys(c.Text, s.Variants).Any(k => k.Initials.StartsWith(s.Key, StringComparison.Ordinal)) : null,
                Source.PinyinInitials,
                Reason.PinyinMatch,
                MatchKind.PinyinInitials);
        }
        else if (MatchInput.TryMixed(context.Prefix, out var head, out var tail))
        {
            var keys = PinyinConverter.Default.Keys(head, variants)
                .Take(options.MaxLookupVariants)
                .Select(v => v.Full + tail)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            var lookups = keys.Select(k => MatchInput.Truncate(k, max)).Distinct(StringComparer.Ordinal).ToList();
            var truncated = lookups.Count != keys.Count || keys.Exists(k => k.Length > max);
            var nodes = await CompletionNodes.ReadNodesAsync(serving.Snapshot, CompletionTable.PinyinFull, lookups, serving.Info, cancellationToken);
            foreach (var node in nodes)
            {
                MatchInput.Add(
                    into,
                    node,
                    0,
                    (c, _) => c.Text.StartsWith(head, StringComparison.Ordinal)
                         && (!truncated || PinyinConverter.Default.Keys(c.Text, variants).Any(k => keys.Exists(key => k.Full.StartsWith(key, StringComparison.Ordinal)))),
                    Source.PinyinMixed,
                    Reason.PinyinMatch,
                    MatchKind.PinyinMixed);
            }
        }

        return into;
    }
}

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
        var into = new List<Candidate>(node?.Completions.Count ?? 0);
        MatchInput.Add(
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

/// <summary>
/// Homophone correction, when exact recall is thin: an all-hanzi input of two or more hanzi looks up its own full
/// pinyin (<c>py:</c>) and keeps the completions that do not start with it ("连衣群" → 连衣裙): tagged fuzzy,
/// reason typo corrected, edit distance the hanzi that differ.
/// </summary>
internal sealed class HomophoneSource(MatchingOptions options) : IRecallSource<SuggestContext>
{
    public string Name => "homophone";

    /// <summary>Index node reads only: runs on the caller's thread (see <see cref="IRecallSource{TContext}.RunsInline"/>).</summary>
    public bool RunsInline => true;

    /// <summary>True when the source would look anything up for <paramref name="context"/> (else it recalls nothing).</summary>
    public bool Applies(SuggestContext context)
        => options.Pinyin
           && context.ExactRecallThin
           && context.Serving is { Info.MaxPinyinPrefixLength: > 0 }
           && MatchInput.AllHanzi(context.Prefix) is { Length: >= 2 };

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (!options.Pinyin
            || !context.ExactRecallThin
            || context.Serving is not { Info.MaxPinyinPrefixLength: > 0 and var max } serving
            || MatchInput.AllHanzi(context.Prefix) is not { Length: >= 2 } runes)
        {
            return [];
        }

        var variants = MatchInput.MaxVariants(serving.Info);
        var keys = PinyinConverter.Default.Keys(context.Prefix, variants)
            .Take(options.MaxLookupVariants)
            .Select(static v => v.Full)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var lookups = keys.Select(k => MatchInput.Truncate(k, max)).Distinct(StringComparer.Ordinal).ToList();
        var truncated = keys.Exists(k => k.Length > max);
        var nodes = await CompletionNodes.ReadNodesAsync(serving.Snapshot, CompletionTable.PinyinFull, lookups, serving.Info, cancellationToken);
        var into = new List<Candidate>();
        foreach (var node in nodes)
        {
            MatchInput.Add(
                into,
                node,
                0,
                (c, _) => !c.Text.StartsWith(context.Prefix, StringComparison.Ordinal)
                     && (!truncated || PinyinConverter.Default.Keys(c.Text, variants).Any(k => keys.Exists(key => k.Full.StartsWith(key, StringComparison.Ordinal)))),
                Source.Fuzzy,
                Reason.TypoCorrected,
                MatchKind.Homophone,
                c => Differences(runes, c.Text));
        }

        return into;
    }

    private static int Differences(Rune[] input, string text)
    {
        var differences = 0;
        var i = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (i == input.Length)
            {
                break;
            }

            differences += rune == input[i++] ? 0 : 1;
        }

        return differences + (input.Length - i);
    }
}

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
        var into = new List<Candidate>();
        bool Keep(Completion c, int unused) => !c.Text.StartsWith(context.Prefix, StringComparison.Ordinal) && splits.Exists(split => Matches(c.Text, split));
        foreach (var node in (await prefixNodes).Concat(await infixNodes))
        {
            MatchInput.Add(into, node, 0, Keep, Source.Infix, Reason.InfixMatch, MatchKind.AnyOrderInfix);
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
        var into = new List<Candidate>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var distance = matches[i].Distance;
            MatchInput.Add(
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
