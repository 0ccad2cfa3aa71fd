namespace QueryRec.Indexer.Evaluate;

/// <summary>The metrics of the own-last-query rows of a replay (<see cref="OwnLastQuery"/>).</summary>
/// <param name="Searches">Test searches that repeat the user's own search of the last 24 h.</param>
/// <param name="Cases">Their (query, prefix length) pairs from <see cref="OwnLastQuery.MinPrefix"/> runes on.</param>
/// <param name="Mrr10">Mean of 1/rank of the query in the top 10 over those pairs (0 when absent).</param>
/// <param name="Success1">Share of those pairs with the query first.</param>
/// <param name="Success5">Share of those pairs with the query in the top 5.</param>
/// <param name="Success10">Share of those pairs with the query in the top 10.</param>
internal sealed record OwnLastQueryMetrics(long Searches, long Cases, double Mrr10, double Success1, double Success5, double Success10);
