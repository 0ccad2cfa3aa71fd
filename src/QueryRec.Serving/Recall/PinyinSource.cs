using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Pinyin recall. A Latin input looks up the full-pinyin table (<c>py:</c>) and, from two characters on, the
/// initials table (<c>pi:</c>), alongside the prefix source's <c>p:</c> read, so "lian" merges English and pinyin
/// completions. A mixed input (hanzi with pinyin, Latin words or digits: "连yi", "佳nengr5") goes to
/// <see cref="MixedRecall"/>. The completion's own text is what is shown. A Latin key longer than the version's
/// <c>max_pinyin_prefix_length</c> is looked up truncated and the completions are filtered by their own pinyin keys.
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
        var into = context.NewList();
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
                context.Arena,
                into,
                await full,
                (Key: key, Variants: variants),
                truncated ? static (c, s) => PinyinConverter.Default.Keys(c.Text, s.Variants).Any(k => k.Full.StartsWith(s.Key, StringComparison.Ordinal)) : null,
                Source.PinyinFull,
                Reason.PinyinMatch,
                MatchKind.PinyinFull);
            MatchInput.Add(
                context.Arena,
                into,
                await initials,
                (Key: key, Variants: variants),
                truncated ? static (c, s) => PinyinConverter.Default.Keys(c.Text, s.Variants).Any(k => k.Initials.StartsWith(s.Key, StringComparison.Ordinal)) : null,
                Source.PinyinInitials,
                Reason.PinyinMatch,
                MatchKind.PinyinInitials);
        }
        else if (MixedInput.TryParse(context.Prefix, out var mixed))
        {
            await MixedRecall.RecallAsync(context.Arena, into, mixed, serving, options, cancellationToken);
        }

        return into;
    }
}
