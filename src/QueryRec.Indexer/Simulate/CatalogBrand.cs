namespace QueryRec.Indexer.Simulate;

/// <summary>A brand of a category and its product lines.</summary>
internal sealed record CatalogBrand(string English, string? Chinese, string[] Models);
