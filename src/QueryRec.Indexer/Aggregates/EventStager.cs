using DuckDB.NET.Data;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Aggregates;

/// <summary>
/// Appends the valid events of a log to the SQL aggregation's input table (sql/duckdb/events.sql), queries
/// normalized here since SQL has no <see cref="QueryNormalizer"/>; seq is the arrival order.
/// </summary>
internal sealed class EventStager : IEventSink, IDisposable
{
    /// <summary>Raw query texts whose normalization is kept (a cache: past it, it starts over).</summary>
    private const int CacheLimit = 1_000_000;

    private static readonly string[] TypeNames = ["search", "click", "cart", "order"];

    private readonly DuckDBAppender _appender;
    private readonly Dictionary<string, string?> _normalized = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private long _seq;

    public EventStager(AggregateDatabase db)
    {
        db.Execute(SqlScripts.Events);
        _appender = db.Connection.CreateAppender("events");
        _lookup = _normalized.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Events staged.</summary>
    public long Events => _seq;

    public void Add(LogEvent e)
        => Add(e.Type, e.UserId, e.Query, e.Time.UtcTicks, e.ItemId, e.CategoryId, e.ResultCount ?? -1, e.Amount is { } amount ? (double)amount : 0);

    public void Add(LogEventType type, ReadOnlySpan<char> user, ReadOnlySpan<char> rawQuery, long ticks, ReadOnlySpan<char> item, ReadOnlySpan<char> category, int results, double amount)
    {
        var row = _appender.CreateRow()
            .AppendValue(_seq++)
            .AppendValue(user.ToString())
            .AppendValue(TypeNames[(int)type])
            .AppendValue(Normalized(rawQuery))
            .AppendValue(new DateTime(ticks, DateTimeKind.Utc))
            .AppendValue(item.IsEmpty ? null : item.ToString())
            .AppendValue(category.IsEmpty ? null : category.ToString());
        row = results >= 0 ? row.AppendValue(results) : row.AppendNullValue();
        row = type == LogEventType.Order ? row.AppendValue(amount) : row.AppendNullValue();
        row.EndRow();
    }

    /// <summary>Flushes the staged rows into the table.</summary>
    public void Dispose() => _appender.Dispose();

    private string? Normalized(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty)
        {
            return null;
        }

        if (_lookup.TryGetValue(raw, out var cached))
        {
            return cached;
        }

        var normalized = QueryNormalizer.Normalize(raw.ToString());
        var value = normalized.Length > 0 ? normalized : null;
        if (_normalized.Count >= CacheLimit)
        {
            _normalized.Clear();
        }

        _lookup[raw] = value;
        return value;
    }
}
