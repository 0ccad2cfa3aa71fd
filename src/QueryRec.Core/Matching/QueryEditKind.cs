namespace QueryRec.Core.Matching;

/// <summary>
/// How a correction differs from the query it corrects. The numbers are those of the public
/// <c>queryrec.v1.CorrectionKind</c> and of the stored <c>QueryCorrection.kind</c>.
/// </summary>
public enum QueryEditKind
{
    /// <summary>Not a correction: the texts are equal or too far apart.</summary>
    None = 0,

    /// <summary>Letters inserted, dropped, swapped or replaced, or a hanzi dropped or replaced.</summary>
    Typo = 1,

    /// <summary>Hanzi replaced by hanzi of the same reading (手标 → 手表).</summary>
    Homophone = 2,

    /// <summary>Pinyin typed in Latin letters (shouji → 手机).</summary>
    Pinyin = 3,

    /// <summary>Words split or joined (iphone15 → iphone 15).</summary>
    Spacing = 4,

    /// <summary>Traditional characters or full-width forms; found by normalization, never between two normalized texts.</summary>
    Form = 5,
}
