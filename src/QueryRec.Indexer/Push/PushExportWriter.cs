using System.Text.Json;
using QueryRec.Contracts.V1;

namespace QueryRec.Indexer.Push;

/// <summary>
/// Writes the push export: one JSON object per line and subject (docs/data-formats.md, "Push export"), the GetPushQueries
/// answer of that subject with its experiment arms, streamed to the file.
/// </summary>
internal sealed class PushExportWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;

    public PushExportWriter(string path)
    {
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    public void Write(string subject, DateTimeOffset asOf, GetPushQueriesResponse answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        _json.WriteStartObject();
        _json.WriteString("subject", subject);
        _json.WriteString("as_of", asOf.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        _json.WriteString("strategy", answer.Metadata.Strategy);
        _json.WriteStartArray("arms");
        foreach (var arm in answer.Metadata.ExperimentArms)
        {
            _json.WriteStartObject();
            _json.WriteString("layer", arm.Layer);
            _json.WriteString("arm", arm.Arm);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteBoolean("fallback", answer.Fallback);
        _json.WriteNumber("remaining_today", answer.RemainingToday);
        _json.WriteBoolean("degraded", answer.Metadata.Degraded);
        _json.WriteStartArray("queries");
        foreach (var item in answer.Items)
        {
            _json.WriteStartObject();
            _json.WriteString("text", item.Text);
            _json.WriteNumber("score", item.Score);
            _json.WriteString("reason", Wire(item.Reason));
            _json.WriteStartArray("sources");
            foreach (var source in item.Sources)
            {
                _json.WriteStringValue(Wire(source));
            }

            _json.WriteEndArray();
            _json.WriteString("category_hint", item.CategoryHint);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteString("index_version", answer.Metadata.IndexVersion);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _stream.WriteByte((byte)'\n');
    }

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }

    private static string Wire<T>(T value)
        where T : struct, Enum
        => WireNames<T>.Names.TryGetValue(value, out var name) ? name : value.ToString();

    // The proto names (REASON_RELATED, SOURCE_Q2Q), as the API's JSON mapping writes them; read once per enum.
    private static class WireNames<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(
            static v => v,
            static v => typeof(T).GetField(v.ToString())!.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
                .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? v.ToString());
    }
}
