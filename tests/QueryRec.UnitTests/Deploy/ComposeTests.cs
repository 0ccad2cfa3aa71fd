using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using QueryRec.Indexer.Commands;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Index;
using QueryRec.Serving.Telemetry;
using Spectre.Console;

namespace QueryRec.UnitTests.Deploy;

/// <summary>
/// deploy/docker-compose.yml and deploy/otel-collector.yaml: the services and their start order, the indexer job's
/// commands (parsed by the indexer's own command line), <c>QueryRec__*</c> settings bound through the options types
/// (of compose and of the Helm Deployment), and the trace path queryrec → collector → Jaeger.
/// </summary>
public sealed class ComposeTests
{
    private static JsonObject Compose => DeployFiles.YamlObject(DeployFiles.Read("deploy/docker-compose.yml"));

    private static JsonObject Service(string name) => Compose["services"]![name]!.AsObject();

    [Fact]
    public void Compose_HasTheFiveServices()
    {
        var services = Compose["services"]!.AsObject().Select(static s => s.Key).Order(StringComparer.Ordinal);

        Assert.Equal(["indexer", "jaeger", "otel-collector", "queryrec", "redis"], services);
    }

    [Fact]
    public void Compose_StartsInOrder_RedisHealthy_ThenTheIndexerJob_ThenQueryRec()
    {
        Assert.NotNull(Service("redis")["healthcheck"]?["test"]);
        Assert.Equal("service_healthy", (string?)Service("indexer")["depends_on"]!["redis"]!["condition"]);
        Assert.Equal("service_completed_successfully", (string?)Service("queryrec")["depends_on"]!["indexer"]!["condition"]);
    }

    [Fact]
    public void Compose_BuildsBothImagesFromTheDockerfile()
    {
        var dockerfile = DeployFiles.Read("deploy/Dockerfile");
        foreach (var name in new[] { "queryrec", "indexer" })
        {
            var build = Service(name)["build"]!.AsObject();
            var context = Path.GetFullPath(Path.Combine(DeployFiles.PathOf("deploy"), (string)build["context"]!));
            Assert.Equal(DeployFiles.Root.TrimEnd(Path.DirectorySeparatorChar), context.TrimEnd(Path.DirectorySeparatorChar));
            Assert.True(File.Exists(Path.Combine(context, (string)build["dockerfile"]!)));
            if (build["target"] is { } target)
            {
                Assert.Contains($" AS {(string)target!}", dockerfile, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void IndexerJob_RunsSimulateTrainBuildPublish_WithArgumentsTheIndexerAccepts()
    {
        var script = (string)Service("indexer")["command"]!.AsArray().Single()!;
        var lines = script.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(static l => l.StartsWith("$$indexer ", StringComparison.Ordinal))
            .Select(static l => l["$$indexer ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        var root = IndexerCli.CreateRootCommand(new CliContext(
            AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }), TextWriter.Null, TimeProvider.System));

        Assert.Equal(["simulate", "train", "build", "publish"], lines.Select(static l => l[0]));
        foreach (var args in lines)
        {
            var parsed = root.Parse(args);
            Assert.True(parsed.Errors.Count == 0, string.Join(' ', args) + ": " + string.Join("; ", parsed.Errors.Select(static e => e.Message)));
        }

        var publish = lines[^1];
        var redis = publish[Array.IndexOf(publish, "--redis") + 1];
        Assert.Equal(Environment(Service("queryrec"))["QueryRec__Store__Redis"], redis);
        Assert.Equal("redis", redis.Split(':')[0]);
    }

    [Fact]
    public void QueryRecSettings_InCompose_BindToTheOptionsAndValidate()
    {
        var settings = Environment(Service("queryrec")).Where(static e => e.Key.StartsWith("QueryRec__", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(settings);
        foreach (var (key, value) in settings)
        {
            var options = BindSetting(key, value);
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options!, new System.ComponentModel.DataAnnotations.ValidationContext(options!), results, validateAllProperties: true), key + ": " + string.Join("; ", results));
        }
    }

    [Fact]
    public void QueryRecSettings_InTheHelmDeployment_BindToTheOptions()
    {
        var deployment = DeployFiles.YamlDocuments(DeployFiles.StaticYaml(File.ReadAllText(Path.Combine(DeployFiles.Chart, "templates", "deployment.yaml")))).Single()!;
        var names = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Select(static e => (string)e!["name"]!)
            .Where(static n => n.StartsWith("QueryRec__", StringComparison.Ordinal))
            .ToList();

        Assert.Contains("QueryRec__Store__Redis", names);
        foreach (var name in names)
        {
            _ = BindSetting(name, "x");
        }
    }

    [Fact]
    public void Collector_HasAPipelinePerSignal_FromOtlp_ToDefinedExporters()
    {
        var collector = DeployFiles.YamlObject(DeployFiles.Read("deploy/otel-collector.yaml"));
        var pipelines = collector["service"]!["pipelines"]!.AsObject();

        // QueryRec exports traces, metrics and log records over OTLP: each needs a pipeline or the collector drops it.
        Assert.Equal(["logs", "metrics", "traces"], pipelines.Select(static p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (_, pipeline) in pipelines)
        {
            Assert.Equal(["otlp"], pipeline!["receivers"]!.AsArray().Select(static r => (string)r!));
            var exporters = pipeline["exporters"]!.AsArray().Select(static e => (string)e!).ToList();
            Assert.NotEmpty(exporters);
            Assert.All(exporters, e => Assert.NotNull(collector["exporters"]![e]));
        }
    }

    [Fact]
    public void Traces_GoFromQueryRecToTheCollectorToJaeger()
    {
        var collector = DeployFiles.YamlObject(DeployFiles.Read("deploy/otel-collector.yaml"));
        var endpoint = new Uri(Environment(Service("queryrec"))["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var grpcReceiver = (string)collector["receivers"]!["otlp"]!["protocols"]!["grpc"]!["endpoint"]!;
        var traces = collector["service"]!["pipelines"]!["traces"]!.AsObject();
        var exporters = traces["exporters"]!.AsArray().Select(static e => (string)e!).ToList();
        var services = Compose["services"]!.AsObject().Select(static s => s.Key).ToHashSet(StringComparer.Ordinal);
        var mounted = (string)Service("otel-collector")["volumes"]!.AsArray().Single()!;

        Assert.Equal("otel-collector", endpoint.Host);
        Assert.EndsWith(":" + endpoint.Port, grpcReceiver, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(DeployFiles.PathOf("deploy"), mounted.Split(':')[0])));
        Assert.Contains("otlp", traces["receivers"]!.AsArray().Select(static r => (string)r!));
        foreach (var exporter in exporters)
        {
            var target = (string?)collector["exporters"]![exporter]!["endpoint"];
            Assert.NotNull(target);
            Assert.Contains(target.Split(':')[0], services);
        }

        Assert.Contains(exporters, e => ((string)collector["exporters"]![e]!["endpoint"]!).StartsWith("jaeger:", StringComparison.Ordinal));
        Assert.Contains("16686:16686", Service("jaeger")["ports"]!.AsArray().Select(static p => (string)p!));
    }

    [Fact]
    public void DeployReadme_NamesTheServiceNameTheTracesCarry()
    {
        var readme = DeployFiles.Read("deploy/README.md");

        Assert.Contains($"\"{QueryRecTelemetry.ServiceName}\"", readme, StringComparison.Ordinal);
        Assert.Contains("docker compose -f deploy/docker-compose.yml up --build", readme, StringComparison.Ordinal);
        Assert.Contains("http://localhost:16686", readme, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment(JsonObject service)
        => service["environment"]!.AsObject().ToDictionary(static e => e.Key, static e => e.Value!.ToString(), StringComparer.Ordinal);

    /// <summary>
    /// Binds one <c>QueryRec__A__B</c> setting to the options type whose section holds it, refusing unknown keys, and
    /// returns the bound options (null for the experiments file, which is a path read by the registry).
    /// </summary>
    private static object? BindSetting(string name, string value)
    {
        var key = name.Replace("__", ":", StringComparison.Ordinal);
        if (key == ExperimentConfig.Section + ":" + ExperimentConfig.FileKey)
        {
            return null;
        }

        var (section, type) = OptionsSections()
            .Where(s => key.StartsWith(s.Section + ":", StringComparison.Ordinal))
            .OrderByDescending(static s => s.Section.Length)
            .FirstOrDefault();
        Assert.True(type is not null, $"{name}: no options section holds {key}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create<string, string?>(key, value)]).Build();
        var bound = configuration.GetSection(section).Get(type, static o => o.ErrorOnUnknownConfiguration = true);
        Assert.NotNull(bound);
        return bound;
    }

    /// <summary>Every options type of the server: a class with a <c>const string Section</c>.</summary>
    private static List<(string Section, Type Type)> OptionsSections()
        => [.. new[] { typeof(StoreOptions).Assembly, typeof(QueryRec.Storage.Realtime.RealtimeOptions).Assembly }
            .SelectMany(static a => a.GetTypes())
            .Select(static t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(static x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string) && x.Type.GetConstructor(Type.EmptyTypes) is not null)
            .Select(static x => ((string)x.Field!.GetRawConstantValue()!, x.Type))];
}
