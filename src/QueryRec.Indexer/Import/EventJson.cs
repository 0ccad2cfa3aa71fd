using System.Text.Json.Serialization;

namespace QueryRec.Indexer.Import;

/// <summary>The JSON shape of one line of the generic JSONL event format.</summary>
internal sealed class EventJson
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("user")]
    public string? User { get; set; }

    [JsonPropertyName("query")]
    public string? Query { get; set; }

    [JsonPropertyName("time")]
    public string? Time { get; set; }

    [JsonPropertyName("item")]
    public string? Item { get; set; }

    [JsonPropertyName("category")]
    public string? Category { get; set; }

    [JsonPropertyName("results")]
    public int? Results { get; set; }

    [JsonPropertyName("amount")]
    public decimal? Amount { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(EventJson))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
