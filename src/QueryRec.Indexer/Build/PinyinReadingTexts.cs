using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Build;

/// <summary>
/// One table's texts of a query's pinyin readings (the full pinyin or the initials of each) with their levels, in one
/// reused char buffer: the pinyin passes read them for every entry they visit, so they are not made as strings.
/// </summary>
internal sealed class PinyinReadingTexts
{
    private readonly List<(int Level, int Start, int Length)> _readings = [];
    private char[] _chars = new char[256];
    private int _used;

    /// <summary>Readings held.</summary>
    public int Count => _readings.Count;

    /// <summary>The texts of <paramref name="readings"/> for one table (<paramref name="initials"/>: the initials).</summary>
    public static PinyinReadingTexts Of(IReadOnlyList<PinyinKey> readings, bool initials)
    {
        var texts = new PinyinReadingTexts();
        foreach (var reading in readings)
        {
            texts.Add(reading.SecondaryReadings, initials ? reading.Initials : reading.Full);
        }

        return texts;
    }

    /// <summary>The level (<see cref="PinyinKey.SecondaryReadings"/>) of reading <paramref name="i"/>.</summary>
    public int Level(int i) => _readings[i].Level;

    /// <summary>The text of reading <paramref name="i"/>.</summary>
    public ReadOnlySpan<char> Text(int i) => _chars.AsSpan(_readings[i].Start, _readings[i].Length);

    public void Clear()
    {
        _readings.Clear();
        _used = 0;
    }

    public void Add(int level, ReadOnlySpan<char> text) => text.CopyTo(Reserve(level, text.Length));

    /// <summary>Adds a reading of <paramref name="length"/> chars and returns where its text goes.</summary>
    public Span<char> Reserve(int level, int length)
    {
        if (_used + length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _used + length));
        }

        _readings.Add((level, _used, length));
        _used += length;
        return _chars.AsSpan(_used - length, length);
    }
}
