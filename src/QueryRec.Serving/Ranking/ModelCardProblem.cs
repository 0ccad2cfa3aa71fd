namespace QueryRec.Serving.Ranking;

/// <summary>Why a model card cannot be read (<see cref="ModelCard.Parse"/>).</summary>
internal enum ModelCardProblem
{
    /// <summary>The card is not valid JSON; the <see cref="System.Text.Json.JsonException"/> is the inner exception.</summary>
    NotJson,

    /// <summary>The card is JSON but not an object.</summary>
    NotObject,

    /// <summary>The card has no <c>schema_version</c> string.</summary>
    NoSchemaVersion,
}
