using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Build;

/// <summary>
/// The entries of the pinyin tables (py:, pi:) in table order, with each entry's keys, key sources and completion:
/// for each kept query with a hanzi, every prefix of the full pinyin and of the initials of each reading.
/// </summary>
internal sealed class PinyinTableEntries : ICompletionEntries
{
    /// <summary>Kept queries per block of readings (a block is computed by one thread and held as one array).</summary>
    private const int BlockQueries = 1 << 16;

    // Each query's readings (up to MaxPinyinVariants of two strings each), packed as UTF-8 (PackedPinyinKeys) into
    // its block's array: query k's are block k / BlockQueries from the previous query's end there to _ends[k]. As
    // objects they were the largest part of the build's memory at 10^7 queries, and an array per query costs a
    // header and a reference besides its bytes.
    private readonly byte[][] _blocks;
    private readonly int[] _ends;
    private readonly Dictionary<int, IReadOnlyList<PinyinKey>> _unpacked; // a reading UTF-8 cannot carry (a lone surrogate)
    private readonly PinyinEntry[] _entries;
    private readonly CompletionArena _completions;
    private readonly int _maxPrefixLength;

    /// <summary>Per thread: the table passes may run in parallel (<see cref="BuildOptions.TableThreads"/>).</summary>
    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>The entries of <paramref name="texts"/> (kept queries), their readings computed on <see cref="BuildOptions.TableThreads"/> threads.</summary>
    public PinyinTableEntries(string[] texts, int[] order, CompletionArena completions, BuildOptions options)
    {
        _ends = new int[texts.Length];
        var blocks = new Block[(texts.Length + BlockQueries - 1) / BlockQueries];
        Parallel.For(
            0,
            blocks.Length,
            new ParallelOptions { MaxDegreeOfParallelism = options.TableThreads },
            b => blocks[b] = ComputeBlock(texts, b * BlockQueries, Math.Min(texts.Length, (b + 1) * BlockQueries), completions, options));

        // Blocks in query order: the same entries, in the same order, whatever the threads.
        _blocks = new byte[blocks.Length][];
        _unpacked = [];
        var entries = new PinyinEntry[blocks.Sum(b => b.Entries.Length)];
        var at = 0;
        var queries = 0;
        for (var b = 0; b < blocks.Length; b++)
        {
            _blocks[b] = blocks[b].Packed;
            blocks[b].Entries.CopyTo(entries, at);
            at += blocks[b].Entries.Length;
            queries += blocks[b].Queries;
            foreach (var (k, readings) in blocks[b].Unpacked)
            {
                _unpacked.Add(k, readings);
            }

            blocks[b] = default;
        }

        var rank = new int[texts.Length];
        for (var i = 0; i < order.Length; i++)
        {
            rank[order[i]] = i;
        }

        // Entries sorted in place (best score, then the query's ranking position, then the level: a total order), so
        // an entry's index is its position in the table order.
        Array.Sort(entries, (x, y) =>
        {
            var byScore = y.Score.CompareTo(x.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byRank = rank[x.Kept].CompareTo(rank[y.Kept]);
            return byRank != 0 ? byRank : x.Level.CompareTo(y.Level);
        });
        var entryOrder = new int[entries.Length];
        for (var i = 0; i < entryOrder.Length; i++)
        {
            entryOrder[i] = i;
        }

        _entries = entries;
        _completions = completions;
        _maxPrefixLength = options.MaxPinyinPrefixLength;
        Order = entryOrder;
        Queries = queries;
    }

    /// <summary>The readings and entries of kept queries <paramref name="first"/> to <paramref name="end"/> (excluded), in query order.</summary>
    private Block ComputeBlock(string[] texts, int first, int end, CompletionArena completions, BuildOptions options)
    {
        var converter = PinyinConverter.Default;

        // A match through a less likely reading of a polyphone ranks lower: each (query, number of non-primary
        // readings) is its own entry, scored popularity x weight^secondary, and holds only the keys that no more
        // likely reading of the same query gave (a query appears once per node, at its best weight).
        // An entry is (query, level, score); the completion of a secondary level (the query's, with the lower score)
        // is put together when a node holding it is written, not kept for every entry.
        var entries = new List<PinyinEntry>();
        var unpacked = new List<(int, IReadOnlyList<PinyinKey>)>();
        var levels = new List<int>();
        var packed = new byte[1 << 16];
        var at = 0;
        var queries = 0;
        for (var k = first; k < end; k++)
        {
            var text = texts[k];
            if (OutputBuilder.HasHanzi(converter, text))
            {
                var keysOfQuery = converter.Keys(text, options.MaxPinyinVariants);
                if (!PackedPinyinKeys.TryAppend(keysOfQuery, ref packed, ref at))
                {
                    unpacked.Add((k, keysOfQuery));
                }

                queries++;
                levels.Clear();
                foreach (var reading in keysOfQuery)
                {
                    if (!levels.Contains(reading.SecondaryReadings))
                    {
                        levels.Add(reading.SecondaryReadings);
                        entries.Add(new(k, reading.SecondaryReadings, completions.Score(k) * Math.Pow(options.PinyinSecondaryWeight, reading.SecondaryReadings)));
                    }
                }
            }

            _ends[k] = at;
        }

        return new Block(packed.AsSpan(0, at).ToArray(), [.. entries], [.. unpacked], queries);
    }

    /// <summary>Query <paramref name="k"/>'s packed readings, or its readings when they could not be packed.</summary>
    private ReadOnlySpan<byte> ReadingsOf(int k, out IReadOnlyList<PinyinKey>? unpacked)
    {
        unpacked = null;
        if (_unpacked.Count > 0 && _unpacked.TryGetValue(k, out unpacked))
        {
            return default;
        }

        var start = k % BlockQueries == 0 ? 0 : _ends[k - 1];
        return _blocks[k / BlockQueries].AsSpan(start, _ends[k] - start);
    }

    /// <summary>The entries in table order (entry i is the i-th best).</summary>
    public int[] Order { get; }

    /// <summary>Kept queries with at least one hanzi.</summary>
    public int Queries { get; }

    /// <inheritdoc/>
    public int QueryOf(int entry) => _entries[entry].Kept;

    /// <inheritdoc/>
    public double ScoreOf(int entry) => _entries[entry].Score;

    /// <inheritdoc/>
    public int LengthOf(int entry)
    {
        var (kept, level, score) = _entries[entry];
        return level == 0 ? _completions.LengthOf(kept) : PrefixNodeBytes.LengthWithScore(_completions.Bytes(kept), score);
    }

    /// <inheritdoc/>
    public int CopyTo(int entry, Span<byte> destination)
    {
        // weight^0 = 1: a primary entry is the query's own completion and score.
        var (kept, level, score) = _entries[entry];
        return level == 0 ? _completions.CopyTo(kept, destination) : PrefixNodeBytes.CopyWithScore(_completions.Bytes(kept), score, destination);
    }

    /// <summary>The keys of entry <paramref name="e"/> in <paramref name="partition"/>: those of its readings at its level that no reading of a lower level gave.</summary>
    public void KeysOf(int e, bool initialsTable, TablePartition partition, ITableKeys keys)
    {
        var (kept, level, _) = _entries[e];
        var scratch = t_scratch ??= new Scratch();
        var texts = scratch.Texts;
        texts.Clear();
        var packed = ReadingsOf(kept, out var unpacked);
        if (unpacked is not null)
        {
            foreach (var reading in unpacked)
            {
                texts.Add(reading.SecondaryReadings, initialsTable ? reading.Initials : reading.Full);
            }
        }
        else
        {
            PackedPinyinKeys.Decode(packed, initialsTable, texts);
        }

        var below = false;
        for (var r = 0; r < texts.Count && !below; r++)
        {
            below = texts.Level(r) < level;
        }

        if (!below)
        {
            OutputBuilder.PinyinPrefixes(texts, level, level, _maxPrefixLength, keys, partition);
            return;
        }

        scratch.Lower.Clear();
        OutputBuilder.PinyinPrefixes(texts, 0, level - 1, _maxPrefixLength, new CollectedKeys(scratch.Lower), partition);
        OutputBuilder.PinyinPrefixes(texts, level, level, _maxPrefixLength, new KeysNotIn(scratch.Lower, keys), partition);
    }

    /// <summary>The strings the keys of entry <paramref name="e"/> are cut from: its readings at its level.</summary>
    public void SourcesOf(int e, bool initialsTable, List<(string Source, int Start)> sources)
    {
        var (kept, level, _) = _entries[e];
        var all = (t_scratch ??= new Scratch()).All;
        all.Clear();
        var packed = ReadingsOf(kept, out var unpacked);
        if (unpacked is not null)
        {
            all.AddRange(unpacked);
        }
        else
        {
            PackedPinyinKeys.Unpack(packed, all, initialsTable);
        }

        foreach (var r in all)
        {
            if (r.SecondaryReadings == level)
            {
                sources.Add((initialsTable ? r.Initials : r.Full, 0));
            }
        }
    }

    private readonly record struct Block(byte[] Packed, PinyinEntry[] Entries, (int Query, IReadOnlyList<PinyinKey> Readings)[] Unpacked, int Queries);

    private sealed class Scratch
    {
        public HashSet<string> Lower { get; } = new(StringComparer.Ordinal);

        public List<PinyinKey> All { get; } = [];

        public PinyinReadingTexts Texts { get; } = new();
    }

    /// <summary>The keys that a more likely reading of the same query did not give.</summary>
    private readonly struct KeysNotIn(HashSet<string> lower, ITableKeys keys) : ITableKeys
    {
        public void Add(ReadOnlySpan<char> key)
        {
            if (!lower.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key))
            {
                keys.Add(key);
            }
        }
    }
}
