namespace QueryRec.Indexer.Commands;

/// <summary>What <c>aggregate</c> reads, writes and runs.</summary>
/// <param name="Input">The JSONL events file.</param>
/// <param name="Output">The directory of tables.</param>
/// <param name="Engine">csharp or duckdb.</param>
/// <param name="WriteEvents">Also write the staged events (duckdb).</param>
/// <param name="Script">The aggregation SQL (duckdb).</param>
internal sealed record AggregateRun(string Input, string Output, string Engine, bool WriteEvents, string Script);
