namespace QueryRec.Indexer.Build;

/// <summary>
/// Hashes a pair of ids packed in a long. long.GetHashCode is hi ^ lo, which maps (a, b) and (b, a) and every
/// pair with the same a ^ b to one bucket: with small dense ids that means long chains. Fibonacci hashing mixes
/// all 64 bits instead.
/// </summary>
internal sealed class PairComparer : IEqualityComparer<long>
{
    public static readonly PairComparer Instance = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => (int)(((ulong)obj * 0x9E3779B97F4A7C15UL) >> 32);
}
