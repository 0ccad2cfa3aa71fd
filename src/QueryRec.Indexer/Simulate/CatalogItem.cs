namespace QueryRec.Indexer.Simulate;

/// <summary>An item: one product of a brand's line with one value of each attribute, at a price.</summary>
internal sealed record CatalogItem(string Id, int Category, int Brand, string Model, int[] Attributes, decimal Price, bool IsNew);
