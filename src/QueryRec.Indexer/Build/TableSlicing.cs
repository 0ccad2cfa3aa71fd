namespace QueryRec.Indexer.Build;

/// <summary>
/// Which records a slice of a partitioned build (<see cref="BuildOptions.SliceCount"/>) writes. Every slice aggregates
/// and applies the hygiene rules alike, so all agree on the kept queries and their completions. A completion table is
/// built in P passes with P a multiple of N (<see cref="Passes"/>), and slice I writes the passes p with p mod N == I;
/// slice 0 also writes the head pass (the one-rune keys, which every slice builds: the two-rune keys' parents are
/// there, for pruning) and every record that is not a completion-table node. A key's pass depends only on its first
/// two runes and P, so the slices' keys are disjoint and their union is the whole index.
/// </summary>
internal static class TableSlicing
{
    /// <summary>True when the build writes the records outside the completion tables and the head passes: the whole index, or slice 0.</summary>
    public static bool WritesShared(BuildOptions options) => options.SliceIndex == 0;

    /// <summary>
    /// The passes of a table whose unpartitioned build takes <paramref name="passes"/>: that many rounded up to a
    /// multiple of N, so each slice holds the same number of passes.
    /// </summary>
    public static int Passes(BuildOptions options, int passes)
        => options.SliceCount <= 1 ? passes : options.SliceCount * ((passes + options.SliceCount - 1) / options.SliceCount);

    /// <summary>True when the build writes pass <paramref name="pass"/> (not the head pass) of a table.</summary>
    public static bool WritesPass(BuildOptions options, int pass) => options.SliceCount <= 1 || pass % options.SliceCount == options.SliceIndex;
}
