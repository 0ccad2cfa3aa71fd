using System.Diagnostics;

namespace QueryRec.FunctionalTests.Storefront;

/// <summary>
/// Node, the npm packages and the system chromium that the storefront tests need, found in the repository the tests
/// were built from. A missing piece fails the test with what to install (scripts/test.sh installs them when root).
/// </summary>
internal static class NodeTools
{
    /// <summary>The system browser Playwright drives; <c>CHROMIUM</c> overrides it.</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The repository root: the nearest folder above the test binaries that holds QueryRec.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Fails the test unless node and the npm packages under <paramref name="packageDirs"/> are installed.</summary>
    public static void Require(bool chromium, params string[] packageDirs)
    {
        var missing = new List<string>();
        if (FindOnPath("node") is null)
        {
            missing.Add("node (apt-get install -y nodejs npm)");
        }

        foreach (var dir in packageDirs)
        {
            if (!Directory.Exists(Path.Combine(RepoRoot, dir, "node_modules")))
            {
                missing.Add($"{dir}/node_modules (npm ci --prefix {dir})");
            }
        }

        if (chromium && !File.Exists(Chromium))
        {
            missing.Add($"{Chromium} (apt-get install -y chromium, or set CHROMIUM)");
        }

        Assert.True(missing.Count == 0, "Missing for the storefront tests: " + string.Join("; ", missing) + ". bash scripts/test.sh installs them when run as root.");
    }

    /// <summary>Runs <c>node</c> with these arguments in the repository root; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunNodeAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CHROMIUM"] = Chromium;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"node {string.Join(' ', args)} timed out after {timeout}.\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QueryRec.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No QueryRec.sln above {AppContext.BaseDirectory}.");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
