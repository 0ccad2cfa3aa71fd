using System.Collections.Frozen;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>
/// The character tables derived from Unihan (see <c>Matching/Data/LICENSE-Unihan.txt</c> and
/// <c>tools/text-tables/</c>): pinyin readings and traditional to simplified folding. Each loads once,
/// lazily and thread-safely, from the resources compiled into this assembly.
/// </summary>
internal static class TextTables
{
    /// <summary>First code point of the dense (array-indexed) reading range: CJK Extension A.</summary>
    internal const int DenseStart = 0x3000;

    /// <summary>One past the last code point of the dense range: the end of the CJK compatibility block.</summary>
    internal const int DenseEnd = 0xFB00;

    private static readonly Lazy<PinyinTable> LazyPinyin = new(LoadPinyin, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<FrozenDictionary<int, int>> LazyT2S = new(LoadT2S, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The pinyin readings table.</summary>
    internal static PinyinTable Pinyin => LazyPinyin.Value;

    /// <summary>Traditional code point to simplified code point; characters that need no folding are absent.</summary>
    internal static FrozenDictionary<int, int> TraditionalToSimplified => LazyT2S.Value;

    /// <summary>The Unihan version recorded in the header of a table file, or null.</summary>
    internal static string? UnihanVersion { get; private set; }

    private static PinyinTable LoadPinyin()
    {
        using var stream = Open("pinyin.txt.gz");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var dense = new PinyinReadings?[DenseEnd - DenseStart];
        var sparse = new Dictionary<int, PinyinReadings>();
        var syllables = new Dictionary<string, string>(StringComparer.Ordinal);
        var lists = new Dictionary<string, PinyinReadings>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                ReadVersion(line);
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var codePoint = int.Parse(line.AsSpan(0, tab), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            var list = line[(tab + 1)..];
            if (!lists.TryGetValue(list, out var readings))
            {
                // Readings are shared: 424 distinct syllables and about 5,200 distinct lists for 41,000 characters.
                var parts = list.Split(',');
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = syllables.TryGetValue(parts[i], out var known) ? known : syllables[parts[i]] = parts[i];
                }

                lists[list] = readings = new PinyinReadings(parts);
            }

            if (codePoint is >= DenseStart and < DenseEnd)
            {
                dense[codePoint - DenseStart] = readings;
            }
            else
            {
                sparse[codePoint] = readings;
            }
        }

        return new PinyinTable(dense, sparse.ToFrozenDictionary());
    }

    private static FrozenDictionary<int, int> LoadT2S()
    {
        using var stream = Open("t2s.txt");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var map = new Dictionary<int, int>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                ReadVersion(line);
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            map[char.ConvertToUtf32(line, 0)] = char.ConvertToUtf32(line, tab + 1);
        }

        return map.ToFrozenDictionary();
    }

    private static void ReadVersion(string line)
    {
        const string Marker = "# Derived from Unihan ";
        if (line.StartsWith(Marker, StringComparison.Ordinal))
        {
            var rest = line.AsSpan(Marker.Length);
            var space = rest.IndexOf(' ');
            UnihanVersion = (space < 0 ? rest : rest[..space]).ToString();
        }
    }

    private static Stream Open(string name) =>
        typeof(TextTables).Assembly.GetManifestResourceStream("QueryRec.Core.Matching.Data." + name)
        ?? throw new InvalidOperationException($"The embedded text table {name} is missing from {typeof(TextTables).Assembly.GetName().Name}.");
}

/// <summary>Toneless pinyin readings by code point: a dense array over the BMP CJK blocks, a frozen dictionary beyond.</summary>
/// <param name="Dense">Readings of code points <see cref="TextTables.DenseStart"/> up to <see cref="TextTables.DenseEnd"/>.</param>
/// <param name="Sparse">Readings of the other code points (CJK extensions B and later).</param>
internal sealed record PinyinTable(PinyinReadings?[] Dense, FrozenDictionary<int, PinyinReadings> Sparse)
{
    /// <summary>The readings of a code point, most common first, or null when it has none.</summary>
    public PinyinReadings? Find(int codePoint)
    {
        if ((uint)(codePoint - TextTables.DenseStart) < (uint)Dense.Length)
        {
            return Dense[codePoint - TextTables.DenseStart];
        }

        return codePoint >= 0x20000 && Sparse.TryGetValue(codePoint, out var readings) ? readings : null;
    }

    /// <summary>Number of code points with at least one reading.</summary>
    public int Count => Dense.Count(static r => r is not null) + Sparse.Count;
}

/// <summary>The readings of one character, shared by every character with the same list.</summary>
internal sealed class PinyinReadings
{
    /// <summary>Creates the list.</summary>
    public PinyinReadings(string[] items)
    {
        Items = items;
        View = Array.AsReadOnly(items);
    }

    /// <summary>The readings, most common first (never empty; do not modify).</summary>
    public string[] Items { get; }

    /// <summary>The same readings, read-only, for callers outside the converter.</summary>
    public IReadOnlyList<string> View { get; }
}
