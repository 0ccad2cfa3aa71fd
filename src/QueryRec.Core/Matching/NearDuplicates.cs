namespace QueryRec.Core.Matching;

/// <summary>
/// The key under which near-duplicate queries collapse: queries that differ only by spacing, punctuation,
/// English singular and plural, or word order share it.
/// </summary>
/// <remarks>PLACEHOLDER while the real rules land (issue 5): today the normalized text itself.</remarks>
public static class NearDuplicates
{
    /// <summary>The collapse key of a normalized query.</summary>
    public static string Key(string normalized) => normalized;
}
