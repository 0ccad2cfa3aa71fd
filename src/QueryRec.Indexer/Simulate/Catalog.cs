using System.Globalization;

namespace QueryRec.Indexer.Simulate;

/// <summary>
/// The simulator's catalog, parsed from <see cref="CatalogData"/>: a category tree (departments and leaf
/// categories), brands, product lines, attributes, items with prices, and the query vocabulary generated from
/// templates over them (category names and synonyms, brand + category, attribute + category, models, model +
/// attribute, brand + category + attribute, model + 价格/评测/review, accessories such as "iphone 16 手机壳").
/// Everything is fixed (it does not depend on the simulation seed) and kept in arrays in a fixed order.
/// </summary>
internal sealed class Catalog
{
    /// <summary>The seed of the items (and, plus one, of the queries' result counts): fixed, not the simulation's.</summary>
    internal const int CatalogSeed = 20261101;

    private static readonly Lazy<Catalog> Instance = new(static () => Parse(CatalogData.Text));

    private readonly Dictionary<string, int> _itemById;
    private readonly Dictionary<string, int> _queryByText;

    private Catalog(List<(string Id, string Chinese, string English)> departments, List<CatalogCategory> categories, List<CatalogItem> items, List<SimQuery> queries)
    {
        Departments = [.. departments];
        Categories = [.. categories];
        Items = [.. items];
        Queries = [.. queries];
        _itemById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Items.Length; i++)
        {
            _itemById.Add(Items[i].Id, i);
        }

        _queryByText = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Queries.Length; i++)
        {
            _queryByText.Add(Queries[i].Text, i);
        }

        CategoryItems = new int[Categories.Length][];
        for (var c = 0; c < Categories.Length; c++)
        {
            CategoryItems[c] = [.. Enumerable.Range(0, Items.Length).Where(i => Items[i].Category == c)];
        }
    }

    /// <summary>The catalog (parsed once).</summary>
    public static Catalog Default => Instance.Value;

    public (string Id, string Chinese, string English)[] Departments { get; }

    public CatalogCategory[] Categories { get; }

    public CatalogItem[] Items { get; }

    /// <summary>Items of each category, by category index.</summary>
    public int[][] CategoryItems { get; }

    public SimQuery[] Queries { get; }

    public bool TryGetItem(string id, out CatalogItem item)
    {
        if (_itemById.TryGetValue(id, out var i))
        {
            item = Items[i];
            return true;
        }

        item = null!;
        return false;
    }

    public bool TryGetQuery(string text, out int index) => _queryByText.TryGetValue(text, out index);

    public static Catalog Parse(string text)
    {
        var departments = new List<(string, string, string)>();
        var categories = new List<CatalogCategory>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = line[..space];
            var fields = line[(space + 1)..].Split('|', StringSplitOptions.TrimEntries);
            switch (keyword)
            {
                case "dept":
                    departments.Add((fields[0], fields[1], fields[2]));
                    break;
                case "category":
                    var prices = fields[5].Split('-');
                    var accessoryOf = fields.Length > 6 && fields[6].StartsWith("accessory-of=", StringComparison.Ordinal) ? fields[6]["accessory-of=".Length..] : null;
                    categories.Add(new CatalogCategory(fields[0], fields[1], fields[2], fields[3], List(fields[4]), decimal.Parse(prices[0], CultureInfo.InvariantCulture), decimal.Parse(prices[1], CultureInfo.InvariantCulture), accessoryOf));
                    break;
                case "brand":
                    var (english, chinese) = Pair(fields[0], '/');
                    categories[^1].Brands.Add(new CatalogBrand(english, chinese == english ? null : chinese, fields[1] == "-" ? [] : List(fields[1])));
                    break;
                case "attr":
                    categories[^1].Attributes.Add(new CatalogAttribute(fields[0], [.. List(fields[1]).Select(v => Pair(v, '/'))]));
                    break;
                case "new":
                    var c = categories[^1];
                    var brand = c.Brands.FindIndex(b => b.English == fields[0]);
                    foreach (var model in List(fields[1]))
                    {
                        c.NewModels.Add((brand, model));
                    }

                    break;
                default:
                    throw new FormatException($"Unknown catalog line '{line}'.");
            }
        }

        var items = BuildItems(categories);
        var queries = new CatalogQueryBuilder(categories, items).Build();
        return new Catalog(departments, categories, items, queries);
    }

    private static string[] List(string s) => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static (string First, string Second) Pair(string s, char separator)
    {
        var i = s.IndexOf(separator, StringComparison.Ordinal);
        return i < 0 ? (s.Trim(), s.Trim()) : (s[..i].Trim(), s[(i + 1)..].Trim());
    }

    /// <summary>The product lines of a category: its brands' models, or for an accessory every model of the other category.</summary>
    internal static List<(int Brand, string Line, string? ForModel, bool IsNew)> ProductLines(List<CatalogCategory> categories, CatalogCategory c)
    {
        var lines = new List<(int, string, string?, bool)>();
        if (c.AccessoryOf is { } target)
        {
            var models = categories.First(x => x.Id == target).Brands.SelectMany(static b => b.Models).ToArray();
            for (var m = 0; m < models.Length; m++)
            {
                lines.Add((m % c.Brands.Count, models[m] + " " + c.Chinese, models[m], false));
            }

            return lines;
        }

        for (var b = 0; b < c.Brands.Count; b++)
        {
            foreach (var model in c.Brands[b].Models)
            {
                lines.Add((b, model, null, false));
            }
        }

        foreach (var (b, model) in c.NewModels)
        {
            lines.Add((b, model, null, true));
        }

        return lines;
    }

    private static List<CatalogItem> BuildItems(List<CatalogCategory> categories)
    {
        var random = new SimRandom(CatalogSeed);
        var items = new List<CatalogItem>();
        for (var ci = 0; ci < categories.Count; ci++)
        {
            var c = categories[ci];
            var n = 0;
            foreach (var (brand, line, _, isNew) in ProductLines(categories, c))
            {
                var min = (double)c.MinPrice;
                var max = (double)c.MaxPrice;
                var basePrice = min * Math.Pow(max / min, random.NextDouble() * 0.8);
                var count = 3 + random.Next(3);
                for (var j = 0; j < count; j++)
                {
                    var attributes = new int[c.Attributes.Count];
                    for (var k = 0; k < attributes.Length; k++)
                    {
                        attributes[k] = (j + random.Next(c.Attributes[k].Values.Length)) % c.Attributes[k].Values.Length;
                    }

                    var price = Math.Max(c.MinPrice, (decimal)Math.Round(basePrice * (1 + (0.12 * j)) / 10) * 10 - 1);
                    items.Add(new CatalogItem($"sku-{c.Id}-{n++:D4}", ci, brand, line, attributes, price, isNew));
                }
            }
        }

        return items;
    }
}
