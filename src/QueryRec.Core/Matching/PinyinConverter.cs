using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>One reading of a whole query: its joined toneless full pinyin and its initials.</summary>
/// <param name="Full">Joined toneless pinyin, Latin and digit runs kept as they are, no spaces ("lianyiqun", "iphone15shoujike").</param>
/// <param name="Initials">The first letter of each hanzi's reading, Latin and digit runs kept whole, no spaces ("lyq", "iphone15sjk").</param>
public readonly record struct PinyinKey(string Full, string Initials);

/// <summary>
/// Converts normalized query text to the pinyin keys that the indexer writes and the server looks up.
/// </summary>
/// <remarks>
/// PLACEHOLDER while the table-driven converter lands (issue 5): knows no hanzi, so every key is the text's
/// letters and digits. The signatures are the contract the indexer and the server code against.
/// </remarks>
public sealed class PinyinConverter
{
    /// <summary>The converter over the tables compiled into this assembly.</summary>
    public static PinyinConverter Default { get; } = new();

    /// <summary>True when the rune has a pinyin reading.</summary>
    public bool IsHanzi(Rune rune) => false;

    /// <summary>The toneless, lower-case readings of a rune, most common first; empty when it has none.</summary>
    public IReadOnlyList<string> Readings(Rune rune) => [];

    /// <summary>
    /// The distinct keys of a normalized text, most likely reading first, at most <paramref name="maxVariants"/>
    /// (polyphones expand to every combination of readings, cut at the bound). Empty for an empty text.
    /// </summary>
    public IReadOnlyList<PinyinKey> Keys(string normalized, int maxVariants)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVariants, 1);
        var builder = new StringBuilder(normalized.Length);
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.Length == 0 ? [] : [new PinyinKey(builder.ToString(), builder.ToString())];
    }
}
