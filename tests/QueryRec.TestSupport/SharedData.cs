namespace QueryRec.TestSupport;

/// <summary>
/// The real public data in <c>../shared/data</c> beside the repository (read at run time, never copied in). The
/// environment variable <see cref="RootVariable"/> names another folder to read it from instead (an empty folder
/// makes a machine without the data, as CI's check of that case does).
/// </summary>
public static class SharedData
{
    /// <summary>The environment variable that overrides where <c>shared/data</c> is.</summary>
    public const string RootVariable = "QUERYREC_SHARED_DATA";

    /// <summary>The Best Buy search-click log, relative to <c>shared/data</c>.</summary>
    public const string BestBuyCsvFile = "bestbuy/bestbuy_search_clicks_2011-08-11_to_2011-10-14.csv";

    /// <summary>The pinyin reference phrases, relative to <c>shared/data</c>.</summary>
    public const string PinyinPhrasesFile = "pinyin/pinyin_phrases.txt";

    /// <summary>The 100k Taobao queries, relative to <c>shared/data</c>.</summary>
    public const string TaobaoQueriesFile = "taobao-multicpr/ecom_queries_100k.txt";

    /// <summary>The Best Buy search-click log.</summary>
    public static string BestBuyCsv => Path(BestBuyCsvFile);

    /// <summary>The path of a file under <c>shared/data</c> in the nearest ancestor folder that has it.</summary>
    /// <param name="file">The file, '/'-separated, relative to <c>shared/data</c>.</param>
    public static string Path(string file)
        => Find(file) ?? throw new FileNotFoundException($"Shared data file {file} not found in any ../shared/data above {AppContext.BaseDirectory}.");

    /// <summary>
    /// Why a test that reads <paramref name="files"/> is not run here: a file is missing and this is not CI. Null when
    /// the test runs; under CI (<c>CI=true</c>) it always runs, so missing data fails it instead of hiding it.
    /// </summary>
    public static string? NotRunReason(params string[] files)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var missing = files.FirstOrDefault(static f => Find(f) is null);
        return missing is null ? null : $"../shared/data/{missing} is not beside the repository (real-data tests run where it is; CI always has it)";
    }

    private static string? Find(string file)
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root)
        {
            var given = System.IO.Path.Combine([root, .. file.Split('/')]);
            return File.Exists(given) ? given : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine([dir.FullName, "shared", "data", .. file.Split('/')]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
