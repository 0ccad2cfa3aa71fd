namespace QueryRec.Indexer.Simulate;

/// <summary>An attribute kind and its values as (Chinese, English).</summary>
internal sealed record CatalogAttribute(string Kind, (string Chinese, string English)[] Values);
