namespace QueryRec.Storage;

/// <summary>
/// Relative keys of the records of one index version. A store puts them under its own version
/// namespace (Redis: <c>{prefix}idx:{version}:{key}</c>). The part before the first ':' is the
/// record kind, counted per kind in the manifest.
/// </summary>
public static class IndexKeys
{
    /// <summary>Kind of prefix-table nodes (<see cref="V1.PrefixNode"/>).</summary>
    public const string PrefixKind = "p";

    /// <summary>Kind of per-query statistics (<see cref="V1.QueryStats"/>).</summary>
    public const string QueryKind = "q";

    /// <summary>Kind of the build description (<see cref="V1.IndexInfo"/>).</summary>
    public const string InfoKind = "i";

    /// <summary>The key of the version's <see cref="V1.IndexInfo"/>.</summary>
    public const string Info = InfoKind + ":info";

    /// <summary>The key of the prefix-table node of a normalized prefix.</summary>
    public static string Prefix(string normalizedPrefix) => PrefixKind + ":" + normalizedPrefix;

    /// <summary>The key of the statistics of a normalized query.</summary>
    public static string Query(string normalizedQuery) => QueryKind + ":" + normalizedQuery;

    /// <summary>The kind of a relative key: the part before the first ':'.</summary>
    public static string KindOf(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? key : key[..colon];
    }
}
