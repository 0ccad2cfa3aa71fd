using System.Text.Json.Nodes;
using QueryRec.Indexer.Commands;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.UnitTests.Indexer.Build;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Deploy;

/// <summary>
/// The partitioned build's Jobs (job-build-slices.yaml, job-publish-slices.yaml), rendered with the chart's values
/// (<see cref="DeployFiles.RenderValues"/>): off by default; an Indexed Job of N completions whose pods run
/// <c>build --partition $(JOB_COMPLETION_INDEX)/N</c>, and a publish Job that waits for the slices in the directory
/// the slices are written to. The rendered arguments are run by the indexer itself, every Job index in turn, then the
/// publish: the pipeline makes the index the unpartitioned build makes.
/// </summary>
public sealed class ChartJobTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Template(string name) => File.ReadAllText(Path.Combine(DeployFiles.Chart, "templates", name));

    private static JsonObject Values(string overrides)
        => DeployFiles.Merge(DeployFiles.YamlObject(File.ReadAllText(Path.Combine(DeployFiles.Chart, "values.yaml"))), DeployFiles.YamlObject(overrides));

    private static JsonObject Render(string template, JsonObject values)
        => DeployFiles.YamlDocuments(DeployFiles.RenderValues(Template(template), values)).Single(static d => d is not null)!.AsObject();

    private static JsonObject Container(JsonObject job) => job["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!.AsObject();

    /// <summary>The container's arguments; the range over buildArgs renders as one placeholder, left out.</summary>
    private static List<string> Args(JsonObject job)
        => [.. Container(job)["args"]!.AsArray().Select(static a => (string)a!).Where(static a => a != DeployFiles.Placeholder)];

    [Theory]
    [InlineData("job-build-slices.yaml")]
    [InlineData("job-publish-slices.yaml")]
    public void Jobs_AreOffByDefault_TheWholeTemplateUnderTheFlag(string template)
    {
        var lines = Template(template).TrimEnd().Split('\n');

        Assert.False((bool)Values(string.Empty)["partitionedBuild"]!["enabled"]!);
        Assert.Equal("{{- if .Values.partitionedBuild.enabled }}", lines[0]);
        Assert.Equal("{{- end }}", lines[^1]);
    }

    [Fact]
    public void BuildJob_IsIndexed_OneCompletionPerSlice_EachPodBuildingItsSlice()
    {
        var values = Values("partitionedBuild: {enabled: true, slices: 7, parallelism: 3, runId: 2026-12-07}");

        var job = Render("job-build-slices.yaml", values);

        var spec = job["spec"]!.AsObject();
        Assert.Equal("Indexed", (string?)spec["completionMode"]);
        Assert.Equal(7, (long)spec["completions"]!);
        Assert.Equal(3, (long)spec["parallelism"]!);
        Assert.Equal(0, (long)spec["maxFailedIndexes"]!);
        Assert.Equal("Never", (string?)spec["template"]!["spec"]!["restartPolicy"]);
        var env = Assert.Single(Container(job)["env"]!.AsArray())!;
        Assert.Equal("JOB_COMPLETION_INDEX", (string?)env["name"]);
        Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", (string?)env["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal(
            ["build", "--aggregates", "/data/aggregates/2026-12-07", "--partition", "$(JOB_COMPLETION_INDEX)/7", "--output", "/data/slices/2026-12-07/slice-$(JOB_COMPLETION_INDEX).qrx"],
            Args(job));
    }

    [Fact]
    public void PublishJob_WaitsForTheSlicesWhereTheBuildJobWritesThem()
    {
        var values = Values("partitionedBuild: {enabled: true, runId: r1, publishWait: \"02:30:00\"}\nredis: {keyPrefix: \"shop:\"}");

        var build = Args(Render("job-build-slices.yaml", values));
        var publish = Render("job-publish-slices.yaml", values);

        var args = Args(publish);
        Assert.Equal(["publish", "--slices", "/data/slices/r1", "--wait", "02:30:00", "--redis", "$(QUERYREC_REDIS)", "--key-prefix", "shop:"], args);
        Assert.Equal(Path.GetDirectoryName(build[build.IndexOf("--output") + 1]), args[2]);
        Assert.Equal(0, (long)publish["spec"]!["backoffLimit"]!);
        Assert.Contains(Container(publish)["env"]!.AsArray(), static e => (string?)e!["name"] == "QUERYREC_REDIS");
        Assert.True((bool)Container(publish)["volumeMounts"]!.AsArray().Single(static m => (string?)m!["name"] == "data")!["readOnly"]!);
    }

    [Fact]
    public async Task RenderedJobs_RunByTheIndexer_PublishTheIndexOfTheUnpartitionedBuild()
    {
        var files = new SliceFiles(_dir);
        // The run's aggregate tables where the Job reads them: <aggregatesDir>/<runId>.
        var tables = await files.AggregatesAsync(await files.LogAsync(users: 100, seed: 2));
        Directory.CreateDirectory(_dir.File("aggregates"));
        Directory.Move(tables, _dir.File("aggregates/run3"));
        var whole = IndexFile.ReadFile(await files.WholeAsync("whole.qrx", "--aggregates", _dir.File("aggregates/run3")));
        var values = Values($"partitionedBuild: {{enabled: true, slices: 3, runId: run3, aggregatesDir: {_dir.Path}/aggregates, slicesDir: {_dir.Path}/slices}}");
        var build = Args(Render("job-build-slices.yaml", values));
        var publish = Args(Render("job-publish-slices.yaml", values)).Select(static a => a.Replace("$(QUERYREC_REDIS)", "127.0.0.1:6379", StringComparison.Ordinal)).ToArray();
        var store = new EmbeddedIndexStore(retainVersions: 2);

        for (var index = 0; index < 3; index++)
        {
            // What Kubernetes does with $(JOB_COMPLETION_INDEX) in each pod's arguments.
            await SliceFiles.Ok([.. build.Select(a => a.Replace("$(JOB_COMPLETION_INDEX)", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))]);
        }

        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(publish, new StringWriter(), error, new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero)), (_, _, _) => Task.FromResult(new RedisAdmin(store, owned: null)), CancellationToken.None);

        Assert.True(code == 0, error.ToString());
        Assert.Equal(3, Directory.GetFiles(_dir.File("slices/run3"), "*.qrx").Length);
        Assert.Equal(whole.Version, await store.GetActiveVersionAsync());
        Assert.Equal(whole.Manifest.Checksum, (await store.ReadBuildAsync(whole.Version)).Manifest.Checksum);
    }
}
