using System.Text;
using QueryRec.Core.Normalization;

namespace QueryRec.Serving.Correction;

/// <summary>
/// Whether a submitted text was written in a form normalization folds away: full-width letters and digits
/// (ｉｐｈｏｎｅ), the ideographic space, or traditional characters (連衣裙). Case and punctuation alone are not a form.
/// </summary>
internal static class FormCorrection
{
    public static bool HasFoldedForm(string raw)
    {
        foreach (var rune in raw.EnumerateRunes())
        {
            if (rune.Value is (>= 0xFF01 and <= 0xFF5E) or 0x3000)
            {
                return true;
            }

            if (rune.Value >= 0x3400 && Rune.IsLetter(rune))
            {
                var folded = QueryNormalizer.Normalize(rune.ToString());
                if (folded.Length > 0 && !string.Equals(folded, rune.ToString(), StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
