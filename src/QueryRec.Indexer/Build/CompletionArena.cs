using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// The completion of each kept query, serialized once (the protobuf bytes of its <see cref="Completion"/>) into
/// large shared chunks, with its score beside it: one <see cref="Completion"/> object per query with its strings and
/// category list was the largest per-query cost of the table build, and a node's record is these bytes put together
/// (<see cref="PrefixNodeBytes"/>), so no message is made or serialized per node.
/// </summary>
internal sealed class CompletionArena : ICompletionEntries
{
    private const int ChunkBytes = 1 << 24;

    private readonly List<byte[]> _chunks = [];
    private readonly long[] _at; // chunk << 32 | offset
    private readonly int[] _length;
    private readonly double[] _score;
    private int _used = ChunkBytes;

    private CompletionArena(int count)
    {
        _at = new long[count];
        _length = new int[count];
        _score = new double[count];
    }

    /// <summary>The completions of <paramref name="kept"/>, as <see cref="QueryRecords.Completion"/> makes them.</summary>
    public static CompletionArena Build(KeptQuery[] kept, List<CategoryShare>?[] topCategories)
    {
        var arena = new CompletionArena(kept.Length);
        for (var k = 0; k < kept.Length; k++)
        {
            var completion = QueryRecords.Completion(kept[k], topCategories[k]);
            arena.Put(k, completion);
        }

        return arena;
    }

    /// <summary>Kept queries.</summary>
    public int Count => _at.Length;

    /// <summary>The serialized completion of kept query <paramref name="k"/>.</summary>
    public ReadOnlySpan<byte> Bytes(int k)
    {
        var at = _at[k];
        return _chunks[(int)(at >> 32)].AsSpan((int)(at & 0xFFFFFFFF), _length[k]);
    }

    /// <summary>The score of kept query <paramref name="k"/>'s completion.</summary>
    public double Score(int k) => _score[k];

    /// <inheritdoc/>
    public int QueryOf(int entry) => entry;

    /// <inheritdoc/>
    public double ScoreOf(int entry) => _score[entry];

    /// <inheritdoc/>
    public int LengthOf(int entry) => _length[entry];

    /// <inheritdoc/>
    public int CopyTo(int entry, Span<byte> destination)
    {
        var bytes = Bytes(entry);
        bytes.CopyTo(destination);
        return bytes.Length;
    }

    private void Put(int k, Completion completion)
    {
        var size = completion.CalculateSize();
        if (size > ChunkBytes - _used)
        {
            _chunks.Add(new byte[Math.Max(ChunkBytes, size)]);
            _used = 0;
        }

        var chunk = _chunks[^1];
        completion.WriteTo(chunk.AsSpan(_used, size));
        _at[k] = ((long)(_chunks.Count - 1) << 32) | (uint)_used;
        _length[k] = size;
        _score[k] = completion.Score;
        _used += size;
    }
}
