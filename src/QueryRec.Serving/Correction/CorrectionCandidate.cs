using QueryRec.Core.Matching;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Correction;

/// <summary>A query the submitted one may have meant, before the guards and the choice.</summary>
/// <param name="Text">The normalized candidate, a query of the index.</param>
/// <param name="Edit">How it differs from the submitted query.</param>
/// <param name="Stats">Its index statistics (searches, categories, zero results).</param>
/// <param name="Mined">The mined pair of the query, when the candidate came from it.</param>
internal sealed record CorrectionCandidate(string Text, QueryEdit Edit, QueryStats Stats, QueryCorrection? Mined = null);
