using System.Globalization;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>What the slices of a partitioned build share: their limits, how messages name them, and their manifests.</summary>
public static class IndexSlices
{
    /// <summary>The most slices a build is partitioned into.</summary>
    public const int MaxCount = 64;

    /// <summary>"slice I of N".</summary>
    public static string Name(int index, int count) => string.Create(CultureInfo.InvariantCulture, $"slice {index} of {count}");

    /// <summary>
    /// The version id of a slice file's own manifest (not a version anyone serves: the assembled index takes
    /// <see cref="IndexSlice.Version"/> or one made from its checksum): the build identity, then I and N.
    /// </summary>
    public static string FileVersion(IndexSlice slice)
        => string.Create(CultureInfo.InvariantCulture, $"{slice.BuildIdentity:x16}.{slice.Index}-of-{slice.Count}");

    /// <summary>Why a slice file is not served or published on its own.</summary>
    internal static string NotWholeMessage(IndexSlice slice)
        => $"is {Name(slice.Index, slice.Count)} of a partitioned build, not a whole index: assemble the slices first (indexer assemble, or indexer publish --slices)";
}
