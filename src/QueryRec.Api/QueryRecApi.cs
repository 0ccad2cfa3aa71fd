namespace QueryRec.Api;

/// <summary>
/// Marks the API assembly for <c>WebApplicationFactory&lt;QueryRecApi&gt;</c>; the indexer also has a
/// top-level <c>Program</c>, so tests that see both cannot name <c>Program</c>.
/// </summary>
public sealed class QueryRecApi;
