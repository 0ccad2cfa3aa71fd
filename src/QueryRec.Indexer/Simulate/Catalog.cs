namespace QueryRec.Indexer.Simulate;

/// <summary>A category of the demo catalog, with its names and brands.</summary>
internal sealed record CatalogCategory(string Id, string English, string Chinese, string[] Brands, string[] Models, decimal MinPrice, decimal MaxPrice);

/// <summary>A query of the demo vocabulary and the category it leads to.</summary>
internal sealed record CatalogQuery(string Text, CatalogCategory Category);

/// <summary>The small, hand-written demo catalog: categories in Chinese and English, brands and models.</summary>
internal static class Catalog
{
    public const int ItemsPerCategory = 40;

    public static readonly CatalogCategory[] Categories =
    [
        new("cat-phone", "phone", "手机", ["apple", "华为", "xiaomi", "samsung", "oppo", "vivo"], ["iphone 16", "iphone 16 pro", "mate 70", "p70", "xiaomi 15", "redmi k80", "galaxy s25", "find x8"], 999m, 9999m),
        new("cat-laptop", "laptop", "笔记本电脑", ["apple", "联想", "lenovo", "dell", "华为", "asus"], ["macbook air", "macbook pro", "thinkpad x1", "拯救者", "xps 13", "matebook 14", "rog"], 3999m, 19999m),
        new("cat-headphones", "headphones", "耳机", ["apple", "sony", "bose", "华为", "xiaomi"], ["airpods pro", "airpods 4", "wh-1000xm5", "quietcomfort", "freebuds pro", "蓝牙耳机", "降噪耳机"], 99m, 2999m),
        new("cat-shoes", "running shoes", "运动鞋", ["nike", "adidas", "李宁", "安踏", "new balance"], ["air max", "air force 1", "ultraboost", "跑步鞋", "篮球鞋", "990v6"], 199m, 1599m),
        new("cat-coffee", "coffee", "咖啡", ["星巴克", "nescafe", "lavazza", "瑞幸", "illy"], ["咖啡豆", "挂耳咖啡", "coffee beans", "espresso", "速溶咖啡", "冷萃"], 29m, 299m),
        new("cat-tv", "tv", "电视", ["sony", "samsung", "小米", "海信", "tcl"], ["65寸电视", "oled tv", "4k tv", "75 inch tv", "bravia"], 1999m, 19999m),
        new("cat-watch", "smart watch", "智能手表", ["apple", "华为", "garmin", "xiaomi"], ["apple watch", "watch gt 5", "fenix 8", "手环"], 299m, 6999m),
    ];

    /// <summary>Builds the query vocabulary: category names, brands, brand + category, models, in a fixed order.</summary>
    public static List<CatalogQuery> BuildVocabulary()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queries = new List<CatalogQuery>();
        void Add(string text, CatalogCategory category)
        {
            if (seen.Add(text))
            {
                queries.Add(new CatalogQuery(text, category));
            }
        }

        foreach (var c in Categories)
        {
            Add(c.English, c);
            Add(c.Chinese, c);
            foreach (var model in c.Models)
            {
                Add(model, c);
            }

            foreach (var brand in c.Brands)
            {
                var chineseBrand = brand.Any(static ch => ch > 0x2E80);
                Add(brand + " " + c.English, c);
                Add(chineseBrand ? brand + c.Chinese : brand + " " + c.Chinese, c);
            }
        }

        foreach (var c in Categories)
        {
            foreach (var model in c.Models)
            {
                Add(model + " 价格", c);
                Add(model + " case", c);
                Add("best " + model, c);
            }
        }

        return queries;
    }
}
