using System.Text.Json;
using System.Text.RegularExpressions;
using QueryRec.Api.HealthChecks;

namespace QueryRec.UnitTests.Deploy;

/// <summary>
/// deploy/Dockerfile, read as instructions (no Docker engine here): the stages, a non-root server with an exec-form
/// HEALTHCHECK that runs the server's own probe, a one-RID framework-dependent publish, COPY sources that exist, and
/// a .dockerignore that keeps build output out of the context.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly Lazy<List<(string Instruction, string Arguments)>> Instructions = new(static () => Parse(DeployFiles.Read("deploy/Dockerfile")));

    private static List<(string Instruction, string Arguments)> Stage(string name)
    {
        var all = Instructions.Value;
        var start = all.FindIndex(i => i.Instruction == "FROM" && i.Arguments.EndsWith(" AS " + name, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no stage {name}");
        var end = all.FindIndex(start + 1, static i => i.Instruction == "FROM");
        return all[start..(end < 0 ? all.Count : end)];
    }

    [Fact]
    public void Stages_BuildOnTheSdk_IndexerAndServerOnAspNetRuntimesWithIcu_ServerLast()
    {
        var froms = Instructions.Value.Where(static i => i.Instruction == "FROM").Select(static i => i.Arguments).ToList();

        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0]);
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:10.0-noble AS indexer", froms);
        // "-extra" is the chiseled variant that keeps ICU, which normalization needs (TextEnvironment.EnsureIcu).
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS server", froms[^1]);
    }

    [Fact]
    public void Publish_IsOneRidFrameworkDependent_ForBothApps()
    {
        var publish = Stage("build").Where(static i => i.Instruction == "RUN").Select(static i => i.Arguments).Single(static a => a.Contains("dotnet publish", StringComparison.Ordinal));

        foreach (var project in new[] { "src/QueryRec.Api/QueryRec.Api.csproj", "src/QueryRec.Indexer/QueryRec.Indexer.csproj" })
        {
            Assert.Matches($@"dotnet publish {Regex.Escape(project)} -c Release -r linux-x64 --self-contained false -o /out/", publish);
            Assert.True(File.Exists(DeployFiles.PathOf(project)), project);
        }
    }

    [Theory]
    [InlineData("server")]
    [InlineData("indexer")]
    public void Stage_RunsAsTheNonRootAppUser(string stage)
    {
        var user = Stage(stage).Last(static i => i.Instruction == "USER").Arguments;

        Assert.Equal("$APP_UID", user);
    }

    [Fact]
    public void Server_HealthCheck_IsExecFormRunningTheServersProbeOnItsGrpcPort()
    {
        var server = Stage("server");
        var healthcheck = server.Single(static i => i.Instruction == "HEALTHCHECK").Arguments;
        var cmd = healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..];
        var exec = JsonSerializer.Deserialize<string[]>(cmd)!;
        var entrypoint = JsonSerializer.Deserialize<string[]>(server.Single(static i => i.Instruction == "ENTRYPOINT").Arguments)!;
        var grpcUrl = server.Single(static i => i.Instruction == "ENV").Arguments;

        Assert.Equal(entrypoint, exec[..entrypoint.Length]);
        Assert.Equal(HealthProbe.Argument, exec[entrypoint.Length]);
        var probed = new Uri(exec[entrypoint.Length + 1]);
        Assert.Contains($"Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:{probed.Port}", grpcUrl, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", probed.Host);
        Assert.Matches(@"--timeout=(\d+)s", healthcheck);
        // Docker's timeout must outlast the probe's own deadline, so that the probe reports rather than being killed.
        var timeout = int.Parse(TimeoutPattern().Match(healthcheck).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TimeSpan.FromSeconds(timeout) > HealthProbe.DefaultTimeout);
        Assert.Equal("/app/QueryRec.Api.dll", entrypoint[^1]);
    }

    [Fact]
    public void Copy_SourcesExistInTheRepository_AndAreNotDockerIgnored()
    {
        var ignore = DeployFiles.Read(".dockerignore").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(static l => !l.StartsWith('#'))
            .ToList();
        var sources = Instructions.Value
            .Where(static i => i.Instruction == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(static i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            var path = DeployFiles.PathOf(source.TrimEnd('/'));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY source {source} does not exist");
            Assert.DoesNotContain(source.TrimEnd('/') + "/", ignore);
            Assert.DoesNotContain(source, ignore);
        }

        foreach (var output in new[] { "**/bin/", "**/obj/", "**/node_modules/", "**/BenchmarkDotNet.Artifacts/", ".demo/", "tests/load/.work/" })
        {
            Assert.Contains(output, ignore);
        }
    }

    /// <summary>Instructions with their arguments, continuation lines joined and comments dropped.</summary>
    private static List<(string Instruction, string Arguments)> Parse(string dockerfile)
    {
        var result = new List<(string, string)>();
        var current = string.Empty;
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }

            current += line;
            if (current.Length > 0)
            {
                var space = current.IndexOf(' ', StringComparison.Ordinal);
                result.Add((current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            }

            current = string.Empty;
        }

        return result;
    }

    [GeneratedRegex(@"--timeout=(\d+)s")]
    private static partial Regex TimeoutPattern();
}
