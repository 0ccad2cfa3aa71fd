namespace QueryRec.Indexer.Build;

/// <summary>A query that passed hygiene: its id in the aggregator's queries, its statistics and its pin.</summary>
internal sealed class KeptQuery(int id, QueryAcc acc, bool pinned, string pinCategory)
{
    public int Id { get; } = id;

    public QueryAcc Acc { get; } = acc;

    public bool Pinned { get; } = pinned;

    public string PinCategory { get; } = pinCategory;

    /// <summary>Set when the query's q: record is written (<see cref="QueryRecords.Write"/>), before its completion is made.</summary>
    public string CategoryHint { get; set; } = string.Empty;
}
