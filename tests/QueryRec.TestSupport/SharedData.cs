namespace QueryRec.TestSupport;

/// <summary>
/// The real public data in <c>../shared/data</c> beside the repository (read at run time, never copied in).
/// </summary>
public static class SharedData
{
    /// <summary>The Best Buy search-click log.</summary>
    public static string BestBuyCsv => Path("bestbuy", "bestbuy_search_clicks_2011-08-11_to_2011-10-14.csv");

    /// <summary>The path of a file under <c>shared/data</c> in the nearest ancestor folder that has it.</summary>
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine([dir.FullName, "shared", "data", .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Shared data file {string.Join('/', parts)} not found in any ../shared/data above {AppContext.BaseDirectory}.");
    }
}
