namespace QueryRec.Indexer.Simulate;

/// <summary>
/// A small, fast, seedable generator (xoshiro256** seeded through SplitMix64). The simulator uses its own
/// generator rather than <see cref="Random"/> so that the output bytes depend only on this code, and so that
/// every session can get an independent stream from a hash of (seed, day, user, index) at no cost.
/// </summary>
internal struct SimRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SimRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A generator for a tuple of keys: the same keys always give the same stream.</summary>
    public static SimRandom For(long a, long b = 0, long c = 0, long d = 0) => new(Mix(a, b, c, d));

    /// <summary>Hashes up to four keys into a 64-bit seed.</summary>
    public static ulong Mix(long a, long b = 0, long c = 0, long d = 0)
    {
        var h = 0x9E3779B97F4A7C15UL;
        h = Avalanche(h ^ (ulong)a);
        h = Avalanche(h ^ (ulong)b ^ 0xBF58476D1CE4E5B9UL);
        h = Avalanche(h ^ (ulong)c ^ 0x94D049BB133111EBUL);
        return Avalanche(h ^ (ulong)d ^ 0x2545F4914F6CDD1DUL);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)((NextUInt64() >> 32) * (ulong)n >> 32);

    /// <summary>Uniform in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    /// <summary>Uniform in [min, max).</summary>
    public long NextLong(long min, long max) => min + (long)(NextDouble() * (max - min));

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A Poisson draw (Knuth's method for small means, a rounded normal approximation above 50).</summary>
    public int Poisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 50)
        {
            var n = (int)Math.Round(mean + (Math.Sqrt(mean) * Normal()));
            return Math.Max(0, n);
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>An exponential draw with mean 1.</summary>
    public double Exponential() => -Math.Log(1.0 - NextDouble());

    /// <summary>Samples an index from a cumulative weight table.</summary>
    public int Sample(double[] cumulative)
    {
        var x = NextDouble() * cumulative[^1];
        var index = Array.BinarySearch(cumulative, x);
        index = index < 0 ? ~index : index + 1;
        return Math.Min(index, cumulative.Length - 1);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Avalanche(x);
    }

    private static ulong Avalanche(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
