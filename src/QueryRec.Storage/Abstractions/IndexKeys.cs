namespace QueryRec.Storage;

/// <summary>
/// Relative keys of the records of one index version. A store puts them under its own version
/// namespace (Redis: <c>{prefix}idx:{version}:{key}</c>). The part before the first ':' is the
/// record kind, counted per kind in the manifest.
/// </summary>
public static class IndexKeys
{
    /// <summary>Kind of prefix-table nodes (<see cref="V1.PrefixNode"/>).</summary>
    public const string PrefixKind = "p";

    /// <summary>Kind of per-query statistics (<see cref="V1.QueryStats"/>).</summary>
    public const string QueryKind = "q";

    /// <summary>Kind of the build description (<see cref="V1.IndexInfo"/>).</summary>
    public const string InfoKind = "i";

    /// <summary>Kind of q2q lists: the queries that follow a query in sessions (<see cref="V1.RelatedQueries"/>).</summary>
    public const string RelatedKind = "r";

    /// <summary>Kind of i2q lists: the queries that led to an item (<see cref="V1.ItemQueries"/>).</summary>
    public const string ItemKind = "it";

    /// <summary>Kind of refinement lists: narrower queries (<see cref="V1.RelatedQueries"/>).</summary>
    public const string RefinementKind = "rf";

    /// <summary>
    /// Kind of Discover RELATED lists (<see cref="V1.RelatedQueries"/> whose entries carry a <see cref="V1.RelatedSource"/>):
    /// apart from "r", which Suggest's session signals read as pure session transitions.
    /// </summary>
    public const string DiscoveryRelatedKind = "rd";

    /// <summary>Kind of hot lists per category (<see cref="V1.RankedQueries"/>).</summary>
    public const string HotKind = "h";

    /// <summary>Kind of trending lists per category (<see cref="V1.RankedQueries"/>).</summary>
    public const string TrendingKind = "t";

    /// <summary>Kind of the operator pins (<see cref="V1.PinList"/>).</summary>
    public const string PinKind = "w";

    /// <summary>Kind of full-pinyin prefix nodes (<see cref="V1.PrefixNode"/>), keyed by joined toneless pinyin ("lianyiqun").</summary>
    public const string PinyinFullKind = "py";

    /// <summary>Kind of pinyin-initials prefix nodes (<see cref="V1.PrefixNode"/>), keyed by initials ("lyq").</summary>
    public const string PinyinInitialsKind = "pi";

    /// <summary>Kind of word-start infix nodes (<see cref="V1.PrefixNode"/>): prefixes of the query from a later word start.</summary>
    public const string InfixKind = "x";

    /// <summary>Kind of vocabulary chunks (<see cref="V1.VocabularyChunk"/>) for typo-tolerant matching.</summary>
    public const string VocabularyKind = "v";

    /// <summary>Kind of the ranking model carried by the version (<see cref="V1.RankingModelPackage"/>).</summary>
    public const string ModelKind = "m";

    /// <summary>The key of the version's <see cref="V1.RankingModelPackage"/>.</summary>
    public const string Model = ModelKind + ":model";

    /// <summary>Kind of the corrections mined from sessions (<see cref="V1.QueryCorrection"/>), keyed by the query they correct.</summary>
    public const string CorrectionKind = "c";

    /// <summary>Kind of the near-duplicate folds of the version (<see cref="V1.NearDuplicateFolds"/>), in chunks.</summary>
    public const string NearDuplicateFoldKind = "nd";

    /// <summary>The category of the global hot and trending lists.</summary>
    public const string GlobalCategory = "";

    /// <summary>The key of the version's <see cref="V1.PinList"/>.</summary>
    public const string Pins = PinKind + ":pins";

    /// <summary>The key of the version's <see cref="V1.IndexInfo"/>.</summary>
    public const string Info = InfoKind + ":info";

    /// <summary>The key of the prefix-table node of a normalized prefix.</summary>
    public static string Prefix(string normalizedPrefix) => PrefixKind + ":" + normalizedPrefix;

    /// <summary>The key of a node of one of the completion tables (prefix, pinyin, initials, infix).</summary>
    public static string Completions(CompletionTable table, string key) => CompletionKind(table) + ":" + key;

    /// <summary>The record kind of a completion table's nodes.</summary>
    public static string CompletionKind(CompletionTable table) => table switch
    {
        CompletionTable.Prefix => PrefixKind,
        CompletionTable.PinyinFull => PinyinFullKind,
        CompletionTable.PinyinInitials => PinyinInitialsKind,
        CompletionTable.Infix => InfixKind,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown completion table."),
    };

    /// <summary>The key of a vocabulary chunk.</summary>
    public static string Vocabulary(int chunk) => VocabularyKind + ":" + chunk.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The key of a chunk of near-duplicate folds.</summary>
    public static string NearDuplicateFolds(int chunk) => NearDuplicateFoldKind + ":" + chunk.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The key of the statistics of a normalized query.</summary>
    public static string Query(string normalizedQuery) => QueryKind + ":" + normalizedQuery;

    /// <summary>The key of the q2q list of a normalized query.</summary>
    public static string Related(string normalizedQuery) => RelatedKind + ":" + normalizedQuery;

    /// <summary>The key of the i2q list of an item id.</summary>
    public static string Item(string itemId) => ItemKind + ":" + itemId;

    /// <summary>The key of the refinements of a normalized query.</summary>
    public static string Refinements(string normalizedQuery) => RefinementKind + ":" + normalizedQuery;

    /// <summary>The key of the hot list of a category (<see cref="GlobalCategory"/> for the global list).</summary>
    public static string Hot(string category) => HotKind + ":" + category;

    /// <summary>The key of the Discover RELATED list of a normalized query.</summary>
    public static string DiscoveryRelated(string normalizedQuery) => DiscoveryRelatedKind + ":" + normalizedQuery;

    /// <summary>The key of the trending list of a category (<see cref="GlobalCategory"/> for the global list).</summary>
    public static string Trending(string category) => TrendingKind + ":" + category;

    /// <summary>The key of the mined correction of a normalized query.</summary>
    public static string Correction(string normalizedQuery) => CorrectionKind + ":" + normalizedQuery;

    /// <summary>The kind of a relative key: the part before the first ':'.</summary>
    public static string KindOf(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? key : key[..colon];
    }
}

/// <summary>The tables of <see cref="V1.PrefixNode"/> values: each maps a key typed by the user to its top-K completions.</summary>
public enum CompletionTable
{
    /// <summary>Prefixes of the normalized query text ("p:").</summary>
    Prefix,

    /// <summary>Prefixes of the joined full pinyin, one entry per reading of polyphones ("py:").</summary>
    PinyinFull,

    /// <summary>Prefixes of the pinyin initials ("pi:").</summary>
    PinyinInitials,

    /// <summary>Prefixes of the query from each later word start ("x:").</summary>
    Infix,
}
