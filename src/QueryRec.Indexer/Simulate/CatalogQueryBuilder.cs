namespace QueryRec.Indexer.Simulate;

/// <summary>Generates the vocabulary from the templates; keeps queries that match at least one item.</summary>
internal sealed class CatalogQueryBuilder(List<CatalogCategory> categories, List<CatalogItem> items)
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
        var random = new SimRandom(Catalog.CatalogSeed + 1);
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

        foreach (var (b, line, forModel, isNew) in Catalog.ProductLines(categories, c))
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
