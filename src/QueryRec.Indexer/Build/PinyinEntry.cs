using System.Runtime.InteropServices;

namespace QueryRec.Indexer.Build;

/// <summary>An entry of the pinyin tables: a kept query at one reading level, with its score at that level.</summary>
/// <remarks>
/// Packed (13 bytes, not 16): there are about 2.4 entries per query with a hanzi. A level is at most
/// <see cref="BuildOptions.MaxPinyinVariantsLimit"/> − 1 (each level brings at least one more reading).
/// </remarks>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal readonly struct PinyinEntry(int kept, int level, double score)
{
    private readonly double _score = score;
    private readonly int _kept = kept;
    private readonly byte _level = checked((byte)level);

    public int Kept => _kept;

    public int Level => _level;

    public double Score => _score;

    public void Deconstruct(out int kept, out int level, out double score)
    {
        kept = _kept;
        level = _level;
        score = _score;
    }
}
