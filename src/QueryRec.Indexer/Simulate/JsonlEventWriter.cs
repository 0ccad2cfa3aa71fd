using System.Buffers;
using System.Text.Json;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Simulate;

/// <summary>
/// Writes events as generic JSONL straight to UTF-8, byte for byte as <see cref="JsonlEventFormat.Format"/>
/// does (same property order, nulls, escaping and time format; a test checks it), without building a string
/// per event. Encoded query texts are cached, as the simulator repeats a bounded vocabulary.
/// </summary>
internal sealed class JsonlEventWriter : IDisposable
{
    private const int FlushAt = 1 << 16;
    private const int MaxCachedQueries = 1 << 20;
    private static readonly JsonEncodedText[] TypeNames = [.. Enum.GetValues<LogEventType>().Select(static t => JsonEncodedText.Encode(JsonlEventFormat.TypeName(t)))];
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushAt * 2);
    private readonly Utf8JsonWriter _json;
    private readonly Dictionary<string, JsonEncodedText> _encoded = new(StringComparer.Ordinal);

    public JsonlEventWriter(Stream stream)
    {
        _stream = stream;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public long BytesWritten { get; private set; }

    public void Write(LogEvent e)
    {
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("type"u8, TypeNames[(int)e.Type]);
        _json.WriteString("user"u8, e.UserId);
        _json.WriteString("query"u8, Encode(e.Query));
        WriteTime(e.Time.UtcDateTime);
        WriteStringOrNull("item"u8, e.ItemId);
        WriteStringOrNull("category"u8, e.CategoryId);
        if (e.ResultCount is { } results)
        {
            _json.WriteNumber("results"u8, results);
        }
        else
        {
            _json.WriteNull("results"u8);
        }

        if (e.Amount is { } amount)
        {
            _json.WriteNumber("amount"u8, amount);
        }
        else
        {
            _json.WriteNull("amount"u8);
        }

        _json.WriteEndObject();
        _json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (_buffer.WrittenCount >= FlushAt)
        {
            Flush();
        }
    }

    public void Flush()
    {
        _stream.Write(_buffer.WrittenSpan);
        BytesWritten += _buffer.WrittenCount;
        _buffer.ResetWrittenCount();
        _stream.Flush();
    }

    public void Dispose()
    {
        Flush();
        _json.Dispose();
    }

    private static void Two(Span<byte> s, int at, int v)
    {
        s[at] = (byte)('0' + (v / 10));
        s[at + 1] = (byte)('0' + (v % 10));
    }

    private JsonEncodedText Encode(string text)
    {
        if (_encoded.TryGetValue(text, out var encoded))
        {
            return encoded;
        }

        encoded = JsonEncodedText.Encode(text);
        if (_encoded.Count < MaxCachedQueries)
        {
            _encoded.Add(text, encoded);
        }

        return encoded;
    }

    private void WriteStringOrNull(ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            _json.WriteNull(name);
        }
        else
        {
            _json.WriteString(name, value);
        }
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss.fffZ, as <see cref="JsonlEventFormat"/> writes it.</summary>
    private void WriteTime(DateTime t)
    {
        Span<byte> s = stackalloc byte[24];
        var year = t.Year;
        Two(s, 0, year / 100);
        Two(s, 2, year % 100);
        s[4] = (byte)'-';
        Two(s, 5, t.Month);
        s[7] = (byte)'-';
        Two(s, 8, t.Day);
        s[10] = (byte)'T';
        Two(s, 11, t.Hour);
        s[13] = (byte)':';
        Two(s, 14, t.Minute);
        s[16] = (byte)':';
        Two(s, 17, t.Second);
        s[19] = (byte)'.';
        var ms = t.Millisecond;
        s[20] = (byte)('0' + (ms / 100));
        Two(s, 21, ms % 100);
        s[23] = (byte)'Z';
        _json.WriteString("time"u8, s);
    }
}
