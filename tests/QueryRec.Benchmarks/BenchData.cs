using QueryRec.Core.Normalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Benchmarks;

/// <summary>
/// The public data the benchmark indexes, read at run time from <c>shared/data</c> in the nearest ancestor folder
/// (as <c>QueryRec.TestSupport.SharedData</c> finds it) or from the folder named by <c>QUERYREC_DATA</c>.
/// </summary>
internal static class BenchData
{
    /// <summary>The environment variable that overrides the data folder (the folder holding taobao-multicpr/ and bestbuy/).</summary>
    public const string DataVariable = "QUERYREC_DATA";

    /// <summary>The 100k Taobao queries (<c>id&lt;TAB&gt;query</c>).</summary>
    public static string TaobaoQueries => Find("taobao-multicpr", "ecom_queries_100k.txt");

    /// <summary>The Best Buy search-click log.</summary>
    public static string BestBuyCsv => Find("bestbuy", "bestbuy_search_clicks_2011-08-11_to_2011-10-14.csv");

    /// <summary>The distinct normalized search queries of the Best Buy log, in first-seen order.</summary>
    public static List<string> BestBuyQueries()
    {
        using var reader = new StreamReader(BestBuyCsv);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queries = new List<string>();
        foreach (var item in BestBuyCsvReader.Read(reader))
        {
            if (item.Event is { Type: LogEventType.Search, Query: var raw }
                && QueryNormalizer.Normalize(raw.Replace('\t', ' ')) is { Length: > 0 } query
                && seen.Add(query))
            {
                queries.Add(query);
            }
        }

        return queries;
    }

    private static string Find(params string[] parts)
    {
        if (Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } root)
        {
            var given = Path.Combine([root, .. parts]);
            return File.Exists(given) ? given : throw new FileNotFoundException($"{DataVariable}={root}: {given} not found.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, "shared", "data", .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(
            $"{string.Join('/', parts)} not found in any shared/data above {AppContext.BaseDirectory}; set {DataVariable} to the data folder.");
    }
}
