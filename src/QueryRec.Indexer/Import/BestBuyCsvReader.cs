using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace QueryRec.Indexer.Import;

/// <summary>
/// The Best Buy search-click CSV: a header naming <c>user,sku,category,query,click_time,query_time</c>
/// (any order), then one row per click. Each row becomes a search at query_time and a click at click_time
/// (item = sku, category = category). Times are <c>yyyy-MM-dd HH:mm:ss[.fff]</c>, taken as UTC.
/// </summary>
public static class BestBuyCsvReader
{
    private static readonly string[] Columns = ["user", "sku", "category", "query", "click_time", "query_time"];

    private static readonly string[] TimeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    /// <summary>Reads events from a reader.</summary>
    /// <exception cref="InvalidDataException">The header is missing or lacks a required column.</exception>
    public static IEnumerable<ImportItem> Read(TextReader reader)
    {
        string? badField = null;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = args => badField ??= args.Field,
            IgnoreBlankLines = true,
            DetectColumnCountChanges = false,
        };
        using var parser = new CsvParser(reader, config, leaveOpen: true);
        if (!parser.Read())
        {
            throw new InvalidDataException("The Best Buy CSV is empty: expected a header line " + string.Join(',', Columns) + ".");
        }

        var header = parser.Record ?? [];
        var index = new int[Columns.Length];
        for (var c = 0; c < Columns.Length; c++)
        {
            index[c] = Array.FindIndex(header, h => string.Equals(h.Trim(), Columns[c], StringComparison.OrdinalIgnoreCase));
            if (index[c] < 0)
            {
                throw new InvalidDataException($"The Best Buy CSV header has no '{Columns[c]}' column (expected {string.Join(',', Columns)}).");
            }
        }

        var width = header.Length;
        while (true)
        {
            badField = null;
            if (!parser.Read())
            {
                yield break;
            }

            // RawRow counts the physical lines read so far, so the record ends on line RawRow and starts as
            // many lines earlier as its raw text spans (a quoted field may hold line breaks).
            var record = parser.Record ?? [];
            var lineNumber = parser.RawRow - CountLines(parser.RawRecord) + 1;
            if (badField is not null)
            {
                yield return ImportItem.Bad(lineNumber, $"malformed quoting in field '{JsonlEventFormat.Truncate(badField)}'");
                continue;
            }

            if (record.Length != width)
            {
                yield return ImportItem.Bad(lineNumber, $"expected {width} fields, found {record.Length}");
                continue;
            }

            foreach (var item in ParseRecord(record, index, lineNumber))
            {
                yield return item;
            }
        }
    }

    private static IReadOnlyList<ImportItem> ParseRecord(string[] record, int[] index, long lineNumber)
    {
        var user = record[index[0]];
        var sku = record[index[1]];
        var category = record[index[2]];
        var query = record[index[3]];
        if (!TryParseTime(record[index[5]], out var queryTime))
        {
            return [ImportItem.Bad(lineNumber, $"query_time '{JsonlEventFormat.Truncate(record[index[5]])}' is not 'yyyy-MM-dd HH:mm:ss[.fff]'")];
        }

        if (!TryParseTime(record[index[4]], out var clickTime))
        {
            return [ImportItem.Bad(lineNumber, $"click_time '{JsonlEventFormat.Truncate(record[index[4]])}' is not 'yyyy-MM-dd HH:mm:ss[.fff]'")];
        }

        if (string.IsNullOrWhiteSpace(sku))
        {
            return [ImportItem.Bad(lineNumber, "sku is empty")];
        }

        var search = new LogEvent(LogEventType.Search, user, query, queryTime);
        var click = new LogEvent(LogEventType.Click, user, query, clickTime, sku, category.Length == 0 ? null : category);
        var reason = LogEventValidator.Validate(search) ?? LogEventValidator.Validate(click);
        return reason is null
            ? [ImportItem.Ok(lineNumber, search), ImportItem.Ok(lineNumber, click)]
            : [ImportItem.Bad(lineNumber, reason)];
    }

    /// <summary>Parses <c>yyyy-MM-dd HH:mm:ss</c> with an optional fraction, as UTC.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        if (DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
            return true;
        }

        time = default;
        return false;
    }

    private static int CountLines(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return 1;
        }

        var text = raw.AsSpan().TrimEnd("\r\n");
        var lines = 1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                lines++;
            }
        }

        return lines;
    }
}
