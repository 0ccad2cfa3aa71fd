using QueryRec.Core.Matching;

namespace QueryRec.Serving.Correction;

/// <summary>The chosen correction of a query.</summary>
/// <param name="Text">The corrected, normalized query.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="Distance">Edits, hanzi or spaces that differ.</param>
/// <param name="Confidence">0 to 1.</param>
/// <param name="Rewrite">True to apply it automatically, false to offer it.</param>
/// <param name="Mined">True when it came from a mined session pair.</param>
/// <param name="CategoryHint">The correction's category hint from its statistics.</param>
internal sealed record CorrectionResult(string Text, QueryEditKind Kind, int Distance, double Confidence, bool Rewrite, bool Mined, string CategoryHint);
