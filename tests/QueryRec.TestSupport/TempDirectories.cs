using System.Collections.Concurrent;

namespace QueryRec.TestSupport;

/// <summary>
/// Temp directories that no single test owns (an index file written for a host that outlives the test method, a
/// fixture's certificates): made here and deleted when the test process exits, so test runs do not fill /tmp.
/// </summary>
public static class TempDirectories
{
    private static readonly ConcurrentQueue<string> Created = new();

    static TempDirectories() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();

    /// <summary>Creates a fresh directory under the temp path, named with <paramref name="prefix"/>, deleted at process exit.</summary>
    public static string Create(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        Created.Enqueue(directory);
        return directory;
    }

    /// <summary>Deletes every directory made so far (also run at process exit).</summary>
    public static void DeleteAll()
    {
        while (Created.TryDequeue(out var directory))
        {
            RedisProcess.DeleteDirectory(directory);
        }
    }
}
