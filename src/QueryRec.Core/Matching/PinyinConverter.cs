using System.Buffers;
using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>One reading of a whole query: its joined toneless full pinyin and its initials.</summary>
/// <param name="Full">Joined toneless pinyin, Latin and digit runs kept as they are, no spaces ("lianyiqun", "iphone15shoujike").</param>
/// <param name="Initials">The first letter of each hanzi's reading, Latin and digit runs kept whole, no spaces ("lyq", "iphone15sjk").</param>
public readonly record struct PinyinKey(string Full, string Initials)
{
    /// <summary>
    /// How many polyphones of the text take a non-primary reading in this key (0 for the all-primary reading):
    /// the indexer ranks matches through less likely readings lower.
    /// </summary>
    public int SecondaryReadings { get; init; }
}

/// <summary>
/// Converts normalized query text to the pinyin keys that the indexer writes and the server looks up.
/// </summary>
/// <remarks>
/// <para>
/// Readings come from the Unihan-derived table compiled into this assembly (kMandarin first, then kXHC1983,
/// kTGHZ2013 and kHanyuPinyin, toneless, "ü" written "v", at most 4 per character; see docs/matching.md).
/// The table loads once, on first use.
/// </para>
/// <para>
/// A hanzi contributes its reading to <see cref="PinyinKey.Full"/> and the reading's first letter to
/// <see cref="PinyinKey.Initials"/>; any other letter or digit is copied to both; spaces, punctuation and
/// symbols are dropped, as they are from a typed Latin input (<see cref="LatinKey"/>). Polyphones expand best
/// first: fewest non-primary readings, then earlier characters, then reading order.
/// </para>
/// </remarks>
public sealed class PinyinConverter
{
    private const int StackChars = 512;
    private const int StackPolyphones = 32;

    /// <summary>The converter over the tables compiled into this assembly.</summary>
    public static PinyinConverter Default { get; } = new();

    /// <summary>The version of the pinyin and traditional-to-simplified tables, e.g. "unihan-15.0.0"; recorded in every index.</summary>
    public static string TablesVersion
    {
        get
        {
            _ = TextTables.Pinyin;
            _ = TextTables.TraditionalToSimplified;
            return "unihan-" + (TextTables.UnihanVersion ?? "unknown");
        }
    }

    /// <summary>True when the rune has a pinyin reading.</summary>
    public bool IsHanzi(Rune rune) => TextTables.Pinyin.Find(rune.Value) is not null;

    /// <summary>The toneless, lower-case readings of a rune, most common first; empty when it has none.</summary>
    public IReadOnlyList<string> Readings(Rune rune) => TextTables.Pinyin.Find(rune.Value)?.View ?? [];

    /// <summary>
    /// The distinct keys of a normalized text, most likely reading first, at most <paramref name="maxVariants"/>
    /// (polyphones expand to every combination of readings, cut at the bound). Empty for an empty text.
    /// </summary>
    public IReadOnlyList<PinyinKey> Keys(string normalized, int maxVariants)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVariants, 1);
        ArgumentNullException.ThrowIfNull(normalized);
        var table = TextTables.Pinyin;

        var polyphones = 0;
        var kept = false;
        foreach (var rune in normalized.EnumerateRunes())
        {
            var readings = table.Find(rune.Value);
            if (readings is not null)
            {
                kept = true;
                polyphones += readings.Items.Length > 1 ? 1 : 0;
            }
            else
            {
                kept |= LatinKey.IsKeyRune(rune);
            }
        }

        if (!kept)
        {
            return [];
        }

        // Full and initials share one buffer: a hanzi (1 or 2 chars) writes at most 6 + 1 ("zhuang", "z"),
        // any other kept char is copied twice.
        var capacity = normalized.Length * 7;
        char[]? rented = null;
        Span<char> buffer = capacity <= StackChars ? stackalloc char[capacity] : (rented = ArrayPool<char>.Shared.Rent(capacity));
        int[]? rentedChoice = null;
        Span<int> choice = polyphones <= StackPolyphones
            ? stackalloc int[polyphones * 2]
            : (rentedChoice = ArrayPool<int>.Shared.Rent(polyphones * 2));
        try
        {
            var readingIndex = choice[..polyphones];
            var positions = choice.Slice(polyphones, polyphones);
            readingIndex.Clear();
            var keys = new List<PinyinKey>(Math.Min(maxVariants, polyphones == 0 ? 1 : maxVariants));
            if (polyphones == 0)
            {
                Add(keys, table, normalized, readingIndex, buffer);
                return keys;
            }

            Expand(keys, table, normalized, readingIndex, positions, buffer, maxVariants);
            return keys;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }

            if (rentedChoice is not null)
            {
                ArrayPool<int>.Shared.Return(rentedChoice);
            }
        }
    }

    /// <summary>
    /// Enumerates reading choices best first: level by level (number of non-primary readings), within a level
    /// the polyphone positions in lexicographic order, then the alternative readings as an odometer.
    /// </summary>
    private static void Expand(
        List<PinyinKey> keys, PinyinTable table, string normalized, Span<int> readingIndex, Span<int> positions, Span<char> buffer, int maxVariants)
    {
        Span<int> counts = readingIndex.Length <= StackPolyphones ? stackalloc int[readingIndex.Length] : new int[readingIndex.Length];
        var n = 0;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (table.Find(rune.Value) is { Items.Length: > 1 } readings)
            {
                counts[n++] = readings.Items.Length;
            }
        }

        // Duplicates (two choices joining to the same text) are rare; bound the work anyway.
        var attempts = maxVariants * 8;
        for (var level = 0; level <= n; level++)
        {
            var comb = positions[..level];
            for (var i = 0; i < level; i++)
            {
                comb[i] = i;
            }

            while (true)
            {
                readingIndex.Clear();
                foreach (var p in comb)
                {
                    readingIndex[p] = 1;
                }

                while (true)
                {
                    Add(keys, table, normalized, readingIndex, buffer);
                    if (keys.Count >= maxVariants || --attempts == 0)
                    {
                        return;
                    }

                    // Odometer over the chosen positions, last position fastest; alternatives are 1..count-1.
                    var j = level - 1;
                    while (j >= 0 && readingIndex[comb[j]] == counts[comb[j]] - 1)
                    {
                        readingIndex[comb[j]] = 1;
                        j--;
                    }

                    if (j < 0)
                    {
                        break;
                    }

                    readingIndex[comb[j]]++;
                }

                // Next combination of `level` positions out of n, in lexicographic order.
                var k = level - 1;
                while (k >= 0 && comb[k] == n - level + k)
                {
                    k--;
                }

                if (k < 0)
                {
                    break;
                }

                comb[k]++;
                for (var i = k + 1; i < level; i++)
                {
                    comb[i] = comb[i - 1] + 1;
                }
            }
        }
    }

    /// <summary>Writes the key of one reading choice (full then initials, side by side) and adds it when new.</summary>
    private static void Add(List<PinyinKey> keys, PinyinTable table, string normalized, ReadOnlySpan<int> readingIndex, Span<char> buffer)
    {
        var full = 0;
        var polyphone = 0;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (table.Find(rune.Value) is { } readings)
            {
                var items = readings.Items;
                var reading = items.Length > 1 ? items[readingIndex[polyphone++]] : items[0];
                reading.CopyTo(buffer[full..]);
                full += reading.Length;
            }
            else if (LatinKey.IsKeyRune(rune))
            {
                full += rune.EncodeToUtf16(buffer[full..]);
            }
        }

        // Initials go after the full text in the same buffer: they are never longer than it.
        var initials = full;
        polyphone = 0;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (table.Find(rune.Value) is { } readings)
            {
                var items = readings.Items;
                buffer[initials++] = (items.Length > 1 ? items[readingIndex[polyphone++]] : items[0])[0];
            }
            else if (LatinKey.IsKeyRune(rune))
            {
                initials += rune.EncodeToUtf16(buffer[initials..]);
            }
        }

        var fullSpan = buffer[..full];
        var initialsSpan = buffer[full..initials];
        foreach (var key in keys)
        {
            if (fullSpan.SequenceEqual(key.Full) && initialsSpan.SequenceEqual(key.Initials))
            {
                return;
            }
        }

        var secondary = 0;
        foreach (var index in readingIndex)
        {
            secondary += index > 0 ? 1 : 0;
        }

        keys.Add(new PinyinKey(new string(fullSpan), new string(initialsSpan)) { SecondaryReadings = secondary });
    }
}
