using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QueryRec.Indexer.Import;

/// <summary>
/// The generic JSONL event format: one JSON object per line (see docs/data-formats.md). Reads with
/// validation and line numbers; writes with millisecond UTC times.
/// </summary>
public static class JsonlEventFormat
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Reads events from a reader. Blank lines are skipped; every other bad line becomes an error item.</summary>
    public static IEnumerable<ImportItem> Read(TextReader reader)
    {
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ParseLine(line, lineNumber);
        }
    }

    /// <summary>Parses one non-blank line.</summary>
    public static ImportItem ParseLine(string line, long lineNumber)
    {
        EventJson? json;
        try
        {
            json = JsonSerializer.Deserialize(line, EventJsonContext.Default.EventJson);
        }
        catch (JsonException ex)
        {
            return ImportItem.Bad(lineNumber, "invalid JSON: " + FirstLine(ex.Message));
        }

        if (json is null)
        {
            return ImportItem.Bad(lineNumber, "not a JSON object");
        }

        if (!TryParseType(json.Type, out var type))
        {
            return ImportItem.Bad(lineNumber, json.Type is null ? "type is missing" : $"unknown type '{Truncate(json.Type)}' (expected search, click, cart or order)");
        }

        if (string.IsNullOrWhiteSpace(json.Time))
        {
            return ImportItem.Bad(lineNumber, "time is missing");
        }

        if (!DateTimeOffset.TryParse(json.Time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return ImportItem.Bad(lineNumber, $"time '{Truncate(json.Time)}' is not an ISO 8601 date and time");
        }

        var e = new LogEvent(type, json.User ?? string.Empty, json.Query ?? string.Empty, time, EmptyToNull(json.Item), EmptyToNull(json.Category), json.Results, json.Amount);
        var reason = LogEventValidator.Validate(e);
        return reason is null ? ImportItem.Ok(lineNumber, e) : ImportItem.Bad(lineNumber, reason);
    }

    /// <summary>Formats one event as a JSON line (without the newline).</summary>
    public static string Format(LogEvent e)
    {
        var json = new EventJson
        {
            Type = TypeName(e.Type),
            User = e.UserId,
            Query = e.Query,
            Time = e.Time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture),
            Item = e.ItemId,
            Category = e.CategoryId,
            Results = e.ResultCount,
            Amount = e.Amount,
        };
        return JsonSerializer.Serialize(json, EventJsonContext.Default.EventJson);
    }

    /// <summary>Writes events, one per line.</summary>
    public static long Write(IEnumerable<LogEvent> events, TextWriter writer)
    {
        long n = 0;
        foreach (var e in events)
        {
            writer.Write(Format(e));
            writer.Write('\n');
            n++;
        }

        return n;
    }

    /// <summary>Opens a UTF-8 writer (no BOM) on a new file.</summary>
    public static StreamWriter CreateWriter(string path)
        => new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), new UTF8Encoding(false));

    /// <summary>Reads every valid event of a JSONL file; errors go to <paramref name="onError"/>.</summary>
    public static IEnumerable<LogEvent> ReadFile(string path, Action<ImportError>? onError = null)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        foreach (var item in Read(reader))
        {
            if (item.Event is not null)
            {
                yield return item.Event;
            }
            else if (item.Error is not null)
            {
                onError?.Invoke(item.Error);
            }
        }
    }

    /// <summary>The lower-case name of an event type.</summary>
    public static string TypeName(LogEventType type) => type switch
    {
        LogEventType.Search => "search",
        LogEventType.Click => "click",
        LogEventType.Cart => "cart",
        LogEventType.Order => "order",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static bool TryParseType(string? text, out LogEventType type)
    {
        switch (text?.ToLowerInvariant())
        {
            case "search": type = LogEventType.Search; return true;
            case "click": type = LogEventType.Click; return true;
            case "cart": type = LogEventType.Cart; return true;
            case "order": type = LogEventType.Order; return true;
            default: type = default; return false;
        }
    }

    private static string? EmptyToNull(string? s) => string.IsNullOrEmpty(s) ? null : s;

    internal static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static string FirstLine(string s)
    {
        var nl = s.IndexOfAny(['\r', '\n']);
        return nl < 0 ? s : s[..nl];
    }
}
