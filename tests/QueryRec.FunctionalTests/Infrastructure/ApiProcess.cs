using System.Diagnostics;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// The real API as its own process, for tests of a start that must fail. WebApplicationFactory is not used for
/// those: it finds the host through a process-wide listener, and a host that failed to start in one test could be
/// picked up, already disposed, by the next (seen as an ObjectDisposedException instead of the validation message).
/// The indexer CLI runs the same way where a test needs a real process (redirected output).
/// </summary>
internal static class ApiProcess
{
    /// <summary>Starts the API with these settings and returns its exit code and output once it stops.</summary>
    public static (int ExitCode, string Output) RunUntilExit(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Web:Url"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return RunUntilExit(all.Select(setting => $"--{setting.Key}={setting.Value}"));
    }

    /// <summary>Runs <c>QueryRec.Api.dll</c> with these command-line arguments and returns its exit code and output once it stops (killed after 60 s).</summary>
    public static (int ExitCode, string Output) RunUntilExit(IEnumerable<string> arguments)
        => RunUntilExit("QueryRec.Api.dll", arguments);

    /// <summary>
    /// Runs one of the test's copied programs (<c>QueryRec.Api.dll</c>, <c>QueryRec.Indexer.dll</c>) with its output
    /// redirected and returns its exit code and output (stdout, then stderr) once it stops (killed after 60 s).
    /// </summary>
    public static (int ExitCode, string Output) RunUntilExit(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The output of a start that must fail; fails the test if the API did not stop with an error.</summary>
    public static string StartupFailure(IReadOnlyDictionary<string, string?> settings)
    {
        var (exitCode, output) = RunUntilExit(settings);
        Assert.True(exitCode != 0, $"The API was expected to refuse to start, but exited with {exitCode}:\n{output}");
        return output;
    }
}
