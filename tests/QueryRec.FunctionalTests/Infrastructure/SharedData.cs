namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// The real public data in <c>../shared/data</c> beside the repository (read at run time, never copied in).
/// </summary>
internal static class SharedData
{
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
