namespace QueryRec.Indexer.Simulate;

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
