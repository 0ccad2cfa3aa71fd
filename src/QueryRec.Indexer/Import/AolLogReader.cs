using System.Globalization;

namespace QueryRec.Indexer.Import;

/// <summary>
/// The AOL query log TSV: <c>AnonID\tQuery\tQueryTime\tItemRank\tClickURL</c>, with an optional header
/// line. A row with a click is a search plus a click (item = ClickURL) at the query time.
/// </summary>
public static class AolLogReader
{
    /// <summary>Reads events from a reader.</summary>
    public static IEnumerable<ImportItem> Read(TextReader reader)
    {
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith("AnonID\t", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            foreach (var item in ParseLine(line, lineNumber))
            {
                yield return item;
            }
        }
    }

    /// <summary>Parses one non-header line into one or two events, or an error.</summary>
    public static IReadOnlyList<ImportItem> ParseLine(string line, long lineNumber)
    {
        var fields = line.Split('\t');
        if (fields.Length is not (3 or 5))
        {
            return [ImportItem.Bad(lineNumber, $"expected 3 or 5 tab-separated fields, found {fields.Length}")];
        }

        if (!DateTime.TryParseExact(fields[2], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return [ImportItem.Bad(lineNumber, $"QueryTime '{JsonlEventFormat.Truncate(fields[2])}' is not 'yyyy-MM-dd HH:mm:ss'")];
        }

        var time = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        var user = fields[0];
        var query = fields[1];
        var search = new LogEvent(LogEventType.Search, user, query, time);
        if (LogEventValidator.Validate(search) is { } reason)
        {
            return [ImportItem.Bad(lineNumber, reason)];
        }

        var rank = fields.Length == 5 ? fields[3] : string.Empty;
        var url = fields.Length == 5 ? fields[4] : string.Empty;
        if (rank.Length == 0 && url.Length == 0)
        {
            return [ImportItem.Ok(lineNumber, search)];
        }

        if (rank.Length == 0 || url.Length == 0)
        {
            return [ImportItem.Bad(lineNumber, "ItemRank and ClickURL must both be present or both be empty")];
        }

        if (!int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return [ImportItem.Bad(lineNumber, $"ItemRank '{JsonlEventFormat.Truncate(rank)}' is not a non-negative integer")];
        }

        var click = new LogEvent(LogEventType.Click, user, query, time, ItemId: url);
        if (LogEventValidator.Validate(click) is { } clickReason)
        {
            return [ImportItem.Bad(lineNumber, clickReason)];
        }

        return [ImportItem.Ok(lineNumber, search), ImportItem.Ok(lineNumber, click)];
    }
}
