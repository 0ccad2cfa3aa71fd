namespace QueryRec.Core.Ranking;

/// <summary>
/// What a model and its trainer must agree on: the schema version written in the model card and the feature names in
/// input order (the width of the model's input). Suggest's <see cref="FeatureSchema"/> and Discover's
/// <see cref="DiscoveryFeatureSchema"/> each have one; a model trained on one is refused by the other.
/// </summary>
/// <param name="Version">The version string of the model card's <c>schema_version</c>.</param>
/// <param name="Names">The feature names in vector order.</param>
public sealed record RankingSchema(string Version, IReadOnlyList<string> Names)
{
    /// <summary>The number of features (the model's input width).</summary>
    public int Count => Names.Count;
}
