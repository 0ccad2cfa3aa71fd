namespace QueryRec.Indexer.Build;

/// <summary>
/// One pass of a completion table (default: one pass holding every key). With more than one pass, the head pass
/// (<see cref="Head"/>) holds the one-rune keys of every source, and pass <see cref="Index"/> of <see cref="Count"/>
/// holds the longer keys of the sources whose first two runes hash to it. Every key of two runes or more of a source
/// string starts with the source's first two runes, so the filter is applied once per source string; a key's
/// parent is in the same pass, or, for a two-rune key, in the head pass, which is built first and kept. Two runes
/// rather than one, because pinyin and Latin keys start with one of some 36 letters and digits: one-rune passes
/// never hold less than every key starting with their letter (at 10^5 the largest of 5 held 34 % of the py: nodes).
/// </summary>
internal readonly record struct TablePartition(int Index, int Count)
{
    /// <summary>The index of the head pass.</summary>
    public const int HeadIndex = -1;

    /// <summary>The head pass of a table built in <paramref name="count"/> passes: the one-rune keys.</summary>
    public static TablePartition Head(int count) => new(HeadIndex, count);

    /// <summary>True for the head pass of a table built in more than one pass.</summary>
    public bool IsHead => Count > 1 && Index == HeadIndex;

    /// <summary>The fewest runes of a key held by this pass.</summary>
    public int MinRunes => Count > 1 && !IsHead ? 2 : 1;

    /// <summary>The most runes of a key held by this pass, for sources cut to <paramref name="maxRunes"/>.</summary>
    public int MaxRunes(int maxRunes) => IsHead ? Math.Min(1, maxRunes) : maxRunes;

    /// <summary>True when some key from <paramref name="source"/>[<paramref name="start"/>..] belongs to this pass.</summary>
    public bool Holds(ReadOnlySpan<char> source, int start)
    {
        if (Count <= 1 || IsHead)
        {
            return start < source.Length;
        }

        return Of(source, start, Count) == Index;
    }

    /// <summary>
    /// The pass (of <paramref name="count"/>) that holds the keys of two runes or more from
    /// <paramref name="source"/>[<paramref name="start"/>..]; -1 when it has fewer than two runes (a source of one
    /// rune gives only a head key).
    /// </summary>
    public static int Of(ReadOnlySpan<char> source, int start, int count)
    {
        if (count <= 1)
        {
            return start < source.Length ? 0 : -1;
        }

        // The runes as QueryNormalizer.IndexedPrefixes steps over them (a high surrogate takes the next char along).
        var first = Step(source, start);
        var second = Step(source, start + first);
        if (first == 0 || second == 0)
        {
            return -1;
        }

        ulong hash = 0;
        for (var i = start; i < start + first + second; i++)
        {
            hash = (hash * 0x10001) + source[i];
        }

        // Fibonacci hashing spreads neighbouring code points (a, b, c; adjacent hanzi) over the passes.
        return (int)(((hash * 11400714819323198485UL) >> 32) % (uint)count);

        static int Step(ReadOnlySpan<char> text, int index) => index >= text.Length ? 0
            : char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
    }
}
