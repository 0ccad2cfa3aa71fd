using System.Text;
using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

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
        var into = context.NewList();
        foreach (var node in nodes)
        {
            MatchInput.Add(
                context.Arena,
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
