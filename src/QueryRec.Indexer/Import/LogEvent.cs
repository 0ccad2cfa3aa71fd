namespace QueryRec.Indexer.Import;

/// <summary>The kind of a log event.</summary>
public enum LogEventType
{
    /// <summary>A submitted (final) search.</summary>
    Search,

    /// <summary>A click on a result item after a search.</summary>
    Click,

    /// <summary>An item added to the cart.</summary>
    Cart,

    /// <summary>An order.</summary>
    Order,
}

/// <summary>
/// The canonical event every importer produces and the builder consumes. Written and read as the
/// generic JSONL format (see docs/data-formats.md).
/// </summary>
/// <param name="Type">The event kind.</param>
/// <param name="UserId">The user (or anonymous id); never empty.</param>
/// <param name="Query">The query the event belongs to; required for searches, may be empty otherwise.</param>
/// <param name="Time">When it happened, in UTC.</param>
/// <param name="ItemId">The item clicked, carted or ordered.</param>
/// <param name="CategoryId">The category of the item.</param>
/// <param name="ResultCount">The number of results of a search, when known.</param>
/// <param name="Amount">The amount of an order, when known.</param>
public sealed record LogEvent(
    LogEventType Type,
    string UserId,
    string Query,
    DateTimeOffset Time,
    string? ItemId = null,
    string? CategoryId = null,
    int? ResultCount = null,
    decimal? Amount = null);
