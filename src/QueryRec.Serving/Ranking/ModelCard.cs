using System.Text.Json;
using System.Text.Json.Serialization;
using QueryRec.Core.Ranking;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// The model card: snake_case JSON written by <c>indexer train</c> beside the ONNX file (<c>model.card.json</c>) and
/// carried verbatim in a <see cref="RankingModelPackage"/>. Servers and the indexer's <c>build --model</c>
/// and <c>publish-model</c> read it with <see cref="Parse"/>. Only <see cref="SchemaVersion"/> is required: a
/// hand-made card may carry nothing else, so every other field is null when the card leaves it out.
/// </summary>
internal sealed record ModelCard
{
    // These options and the order the properties are declared in define the card's bytes (field order, names,
    // number formats): cards already written and cards written now must be the same format.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The feature schema version the model was trained on.</summary>
    public required string SchemaVersion { get; init; }

    /// <summary>The input features in order.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>A version id: UTC time and the first bytes of the ONNX file's SHA-256.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The trainer.</summary>
    public string? Trainer { get; init; }

    /// <summary>When it was trained (UTC).</summary>
    public DateTimeOffset? CreatedUtc { get; init; }

    /// <summary>The seed.</summary>
    public int? Seed { get; init; }

    /// <summary>Rows read.</summary>
    public int? Rows { get; init; }

    /// <summary>Groups read.</summary>
    public int? Groups { get; init; }

    /// <summary>Rows trained on.</summary>
    public int? TrainRows { get; init; }

    /// <summary>Groups trained on.</summary>
    public int? TrainGroups { get; init; }

    /// <summary>Rows held out.</summary>
    public int? TestRows { get; init; }

    /// <summary>Groups held out.</summary>
    public int? TestGroups { get; init; }

    /// <summary>NDCG@1, @3 and @10 on the held-out groups (ML.NET's ranking evaluator), and the held-out MRR@10s.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The ONNX file name (next to the card).</summary>
    public string? OnnxFile { get; init; }

    /// <summary>The same model in ML.NET's format (next to the card), the reference the ONNX export is checked against.</summary>
    public string? MlNetFile { get; init; }

    /// <summary>The ONNX input name (a float tensor [N, feature count]).</summary>
    public string? OnnxInput { get; init; }

    /// <summary>The ONNX output carrying the score.</summary>
    public string? OnnxOutput { get; init; }

    /// <summary>Largest |ONNX − ML.NET| score over the held-out rows, checked at export.</summary>
    public double? OnnxMaxAbsDiff { get; init; }

    /// <summary>Training time in seconds.</summary>
    public double? TrainSeconds { get; init; }

    /// <summary>Size of the ONNX file in bytes.</summary>
    public long? ModelBytes { get; init; }

    /// <summary>The held-out comparison with the heuristic (<c>train --events</c>); null when the model was trained without one.</summary>
    /// <remarks>Left out of the JSON when null, so that a card without a guard keeps the format written before it existed.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ModelGuard? Guard { get; init; }

    /// <summary>True when the model was trained on <paramref name="schema"/>'s version.</summary>
    public bool IsFor(RankingSchema schema) => string.Equals(SchemaVersion, schema.Version, StringComparison.Ordinal);

    /// <summary>The card as written next to the model.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Reads a card. <see cref="SchemaVersion"/> and <see cref="ModelVersion"/>, which decide whether and as what a
    /// model serves, are taken by JSON kind alone: a <c>model_version</c> that is not a string is absent. The other
    /// fields only report on training, so one of the wrong type never refuses a model: they are then all left null.
    /// </summary>
    /// <exception cref="ModelCardException">The card is not JSON, not a JSON object, or has no <c>schema_version</c> string.</exception>
    public static ModelCard Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ModelCardException(ModelCardProblem.NotJson, "The model card is not valid JSON.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelCardException(ModelCardProblem.NotObject, "The model card is not a JSON object.");
            }

            var schema = StringField(root, "schema_version")
                ?? throw new ModelCardException(ModelCardProblem.NoSchemaVersion, "The model card has no schema_version.");
            ModelCard? report;
            try
            {
                report = root.Deserialize<ModelCard>(Json);
            }
            catch (JsonException)
            {
                report = null;
            }

            return (report ?? new ModelCard { SchemaVersion = schema }) with { SchemaVersion = schema, ModelVersion = StringField(root, "model_version") };
        }
    }

    private static string? StringField(JsonElement card, string name)
        => card.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
