using System.Globalization;

namespace QueryRec.Indexer.Simulate;

/// <summary>A brand of a category and its product lines.</summary>
internal sealed record CatalogBrand(string English, string? Chinese, string[] Models);

/// <summary>An attribute kind and its values as (Chinese, English).</summary>
internal sealed record CatalogAttribute(string Kind, (string Chinese, string English)[] Values);

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

/// <summary>An item: one product of a brand's line with one value of each attribute, at a price.</summary>
internal sealed record CatalogItem(string Id, int Category, int Brand, string Model, int[] Attributes, decimal Price, bool IsNew);

/// <summary>A query of the vocabulary, its structure and the items it matches.</summary>
internal sealed class SimQuery(string text, int category, int level, int group, bool trending)
{
    public string Text { get; } = text;

    public int Category { get; } = category;

    /// <summary>0 = a category name, 1 = brand, model or attribute, 2 = two of those.</summary>
    public int Level { get; } = level;

    /// <summary>Queries of the same group are reformulations of each other (language, word order, synonym).</summary>
    public int Group { get; } = group;

    /// <summary>A new-release query (or a refinement of one): only drawn by a trending burst.</summary>
    public bool Trending { get; } = trending;

    /// <summary>Narrower queries that extend this one (prefix or word superset).</summary>
    public List<int> Narrower { get; } = [];

    /// <summary>The other queries of its group.</summary>
    public int[] Variants { get; set; } = [];

    /// <summary>Indices of the catalog items it matches, never empty.</summary>
    public int[] Items { get; set; } = [];

    /// <summary>The number of results a search for it returns.</summary>
    public int ResultCount { get; set; }
}

/// <summary>
/// The simulator's catalog, parsed from <see cref="CatalogData"/>: a category tree (departments and leaf
/// categories), brands, product lines, attributes, items with prices, and the query vocabulary generated from
/// templates over them (category names and synonyms, brand + category, attribute + category, models, model +
/// attribute, brand + category + attribute, model + 价格/评测/review, accessories such as "iphone 16 手机壳").
/// Everything is fixed (it does not depend on the simulation seed) and kept in arrays in a fixed order.
/// </summary>
internal sealed class Catalog
{
    private const int CatalogSeed = 20261101;

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
        var queries = new QueryBuilder(categories, items).Build();
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

    /// <summary>Generates the vocabulary from the templates; keeps queries that match at least one item.</summary>
    private sealed class QueryBuilder(List<CatalogCategory> categories, List<CatalogItem> items)
    {
        private readonly List<(string Text, int Category, int Level, int Group, bool Trending, string? Parent, int Brand, string? Model, int Kind, int Value)> _candidates = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private int _groups;

        public List<SimQuery> Build()
        {
            for (var ci = 0; ci < categories.Count; ci++)
            {
                AddCategory(ci);
            }

            var queries = new List<SimQuery>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var parents = new List<string?>();
            var random = new SimRandom(CatalogSeed + 1);
            foreach (var q in _candidates)
            {
                var matching = new List<int>();
                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i];
                    if (item.Category == q.Category
                        && (q.Brand < 0 || item.Brand == q.Brand)
                        && (q.Model is null || item.Model == q.Model)
                        && (q.Kind < 0 || item.Attributes[q.Kind] == q.Value)
                        && (q.Trending || q.Model is not null || !item.IsNew))
                    {
                        matching.Add(i);
                    }
                }

                if (matching.Count == 0)
                {
                    continue;
                }

                index.Add(q.Text, queries.Count);
                parents.Add(q.Parent);
                queries.Add(new SimQuery(q.Text, q.Category, q.Level, q.Group, q.Trending)
                {
                    Items = [.. matching],
                    ResultCount = (matching.Count * 12) + 1 + random.Next(60),
                });
            }

            for (var i = 0; i < queries.Count; i++)
            {
                if (parents[i] is { } parent && index.TryGetValue(parent, out var p) && queries[p].Trending == queries[i].Trending)
                {
                    queries[p].Narrower.Add(i);
                }
            }

            foreach (var group in Enumerable.Range(0, queries.Count).GroupBy(i => queries[i].Group))
            {
                var members = group.ToArray();
                foreach (var m in members)
                {
                    queries[m].Variants = [.. members.Where(x => x != m)];
                }
            }

            return queries;
        }

        private int NewGroup() => _groups++;

        private void Add(string text, int category, int level, int group, bool trending = false, string? parent = null, int brand = -1, string? model = null, int kind = -1, int value = -1)
        {
            text = text.Trim();
            if (_seen.Add(text))
            {
                _candidates.Add((text, category, level, group, trending, parent, brand, model, kind, value));
            }
        }

        private void AddCategory(int ci)
        {
            var c = categories[ci];
            var names = NewGroup();
            Add(c.Chinese, ci, 0, names);
            Add(c.English, ci, 0, names);
            foreach (var synonym in c.Synonyms)
            {
                Add(synonym, ci, 0, names);
            }

            // Attribute + category: 红色连衣裙 / red dress / 连衣裙 红色 (the last one refines 连衣裙).
            for (var k = 0; k < c.Attributes.Count; k++)
            {
                var values = c.Attributes[k].Values;
                for (var v = 0; v < values.Length; v++)
                {
                    var (zh, en) = values[v];
                    var g = NewGroup();
                    Add(IsAscii(zh) ? zh + " " + c.Chinese : zh + c.Chinese, ci, 1, g, kind: k, value: v);
                    Add(en + " " + c.English, ci, 1, g, parent: null, kind: k, value: v);
                    Add(c.Chinese + " " + zh, ci, 1, g, parent: c.Chinese, kind: k, value: v);
                }
            }

            for (var b = 0; b < c.Brands.Count; b++)
            {
                var brand = c.Brands[b];
                var alone = NewGroup();
                Add(brand.English, ci, 1, alone, brand: b);
                if (brand.Chinese is { } bz)
                {
                    Add(bz, ci, 1, alone, brand: b);
                }

                // Brand + category: nike sneakers / nike 运动鞋 / 耐克运动鞋.
                var bc = NewGroup();
                var mixed = brand.English + " " + c.Chinese;
                var chinese = brand.Chinese is { } z ? z + c.Chinese : null;
                Add(brand.English + " " + c.English, ci, 1, bc, parent: brand.English, brand: b);
                Add(mixed, ci, 1, bc, parent: brand.English, brand: b);
                if (chinese is not null)
                {
                    Add(chinese, ci, 1, bc, parent: brand.Chinese, brand: b);
                }

                // Brand + category + attribute (first two attributes): nike 运动鞋 白色 / 耐克运动鞋 白色.
                for (var k = 0; k < Math.Min(2, c.Attributes.Count); k++)
                {
                    var values = c.Attributes[k].Values;
                    for (var v = 0; v < values.Length; v++)
                    {
                        var g = NewGroup();
                        Add(mixed + " " + values[v].Chinese, ci, 2, g, parent: mixed, brand: b, kind: k, value: v);
                        if (chinese is not null)
                        {
                            Add(chinese + " " + values[v].Chinese, ci, 2, g, parent: chinese, brand: b, kind: k, value: v);
                        }
                    }
                }
            }

            foreach (var (b, line, forModel, isNew) in ProductLines(categories, c))
            {
                var brand = c.Brands[b];
                var g = NewGroup();
                if (forModel is not null)
                {
                    // Accessory: "iphone 16 手机壳" refines the phone query "iphone 16".
                    Add(line, ci, 1, g, parent: forModel, brand: b, model: line);
                    Add(forModel + " " + c.English, ci, 1, g, parent: forModel, brand: b, model: line);
                }
                else
                {
                    Add(line, ci, 1, g, trending: isNew, brand: b, model: line);
                    if (!Mentions(line, brand))
                    {
                        Add(brand.English + " " + line, ci, 1, g, trending: isNew, parent: brand.English, brand: b, model: line);
                        if (brand.Chinese is { } bz)
                        {
                            Add(bz + " " + line, ci, 1, g, trending: isNew, parent: bz, brand: b, model: line);
                        }
                    }
                }

                // Model + attribute: iphone 16 256gb / iphone 16 黑色 / iphone 16 black.
                for (var k = 0; k < c.Attributes.Count; k++)
                {
                    var values = c.Attributes[k].Values;
                    for (var v = 0; v < values.Length; v++)
                    {
                        var ga = NewGroup();
                        Add(line + " " + values[v].Chinese, ci, 2, ga, trending: isNew, parent: line, brand: b, model: line, kind: k, value: v);
                        Add(line + " " + values[v].English, ci, 2, ga, trending: isNew, parent: line, brand: b, model: line, kind: k, value: v);
                    }
                }

                // Model + intent words.
                Add(line + " 价格", ci, 2, NewGroup(), trending: isNew, parent: line, brand: b, model: line);
                var review = NewGroup();
                Add(line + " 评测", ci, 2, review, trending: isNew, parent: line, brand: b, model: line);
                Add(line + " review", ci, 2, review, trending: isNew, parent: line, brand: b, model: line);
            }
        }

        private static bool Mentions(string line, CatalogBrand brand)
            => line.Contains(brand.English, StringComparison.Ordinal) || (brand.Chinese is { } z && line.Contains(z, StringComparison.Ordinal));

        private static bool IsAscii(string s) => s.All(char.IsAscii);
    }
}
