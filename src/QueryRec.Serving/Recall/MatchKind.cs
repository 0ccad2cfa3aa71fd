namespace QueryRec.Serving.Recall;

/// <summary>How the typed input matched a candidate (a ranking feature; the learned ranker reads it too).</summary>
internal enum MatchKind
{
    /// <summary>The text starts with the input (prefix table, the user's history, trending queries).</summary>
    Prefix,

    /// <summary>The text's full pinyin starts with the Latin input ("lian" → 连衣裙).</summary>
    PinyinFull,

    /// <summary>The text's pinyin initials start with the Latin input ("lyq" → 连衣裙).</summary>
    PinyinInitials,

    /// <summary>Hanzi head then pinyin tail ("连yi" → 连衣裙).</summary>
    PinyinMixed,

    /// <summary>The input starts a later word of the text ("dress" → "red dress").</summary>
    Infix,

    /// <summary>Every part of the input is in the text, in another order ("长款连衣" → 连衣裙长款).</summary>
    AnyOrderInfix,

    /// <summary>Same pinyin, other hanzi: a homophone typo ("连衣群" → 连衣裙).</summary>
    Homophone,

    /// <summary>Within the edit bound of a vocabulary prefix (typo tolerance).</summary>
    Fuzzy,
}
