namespace QueryRec.Indexer.Simulate;

/// <summary>A leaf category of the catalog tree.</summary>
internal sealed class CatalogCategory(string id, string department, string chinese, string english, string[] synonyms, decimal minPrice, decimal maxPrice, string? accessoryOf)
{
    public string Id { get; } = id;

    public string Department { get; } = department;

    public string Chinese { get; } = chinese;

    public string English { get; } = english;

    public string[] Synonyms { get; } = synonyms;

    public decimal MinPrice { get; } = minPrice;

    public decimal MaxPrice { get; } = maxPrice;

    /// <summary>The category whose models this accessory category is for (e.g. phone cases for phones).</summary>
    public string? AccessoryOf { get; } = accessoryOf;

    public List<CatalogBrand> Brands { get; } = [];

    public List<CatalogAttribute> Attributes { get; } = [];

    /// <summary>New releases: (brand index, model).</summary>
    public List<(int Brand, string Model)> NewModels { get; } = [];
}
