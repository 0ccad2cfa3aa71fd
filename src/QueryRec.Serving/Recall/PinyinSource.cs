using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

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
