namespace QueryRec.Serving.Recall;

/// <summary>Ranking tiers: no candidate of a later tier ranks above one of an earlier tier.</summary>
internal enum MatchTier
{
    /// <summary>Prefix, pinyin full, initials and mixed, history, trending.</summary>
    Exact,

    /// <summary>Word-start and any-order infix.</summary>
    Infix,

    /// <summary>Typo tolerance and homophone correction.</summary>
    Fuzzy,
}
