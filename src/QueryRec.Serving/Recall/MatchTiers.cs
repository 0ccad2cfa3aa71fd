namespace QueryRec.Serving.Recall;

/// <summary>Maps match types to tiers.</summary>
internal static class MatchTiers
{
    public static MatchTier Of(MatchKind type) => type switch
    {
        MatchKind.Infix or MatchKind.AnyOrderInfix => MatchTier.Infix,
        MatchKind.Homophone or MatchKind.Fuzzy => MatchTier.Fuzzy,
        _ => MatchTier.Exact,
    };
}
