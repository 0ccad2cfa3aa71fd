using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Configuration;
using QueryRec.Serving.Experiments;

namespace QueryRec.UnitTests.Deploy;

/// <summary>
/// helm/queryrec: values.yaml and every example (merged over values.yaml, as Helm does) against values.schema.json
/// with JsonSchema.Net; values the schema must refuse; values used by the templates and templates using only values
/// that exist; and the experiment flags of the values, read by the server's own experiment reader.
/// </summary>
public sealed class ChartValuesTests
{
    private static readonly Lazy<JsonSchema> Schema = new(static () => JsonSchema.FromText(File.ReadAllText(Path.Combine(DeployFiles.Chart, "values.schema.json"))));

    private static JsonObject Defaults => DeployFiles.YamlObject(File.ReadAllText(Path.Combine(DeployFiles.Chart, "values.yaml")));

    public static TheoryData<string> Examples() => [.. ExampleNames()];

    private static IEnumerable<string> ExampleNames()
        => Directory.GetFiles(Path.Combine(DeployFiles.Chart, "examples"), "*.yaml").Select(static f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void Examples_CoverTheDocumentedSetups()
    {
        var names = ExampleNames().ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(["minimal.yaml", "redis-cluster.yaml", "redis-tls-auth.yaml", "hpa-off.yaml"], StringComparer.Ordinal), names);
    }

    [Fact]
    public void ValuesYaml_IsValid()
    {
        AssertValid(Defaults, "values.yaml");
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_MergedOverValuesYaml_IsValid(string example)
    {
        var overrides = DeployFiles.YamlObject(File.ReadAllText(Path.Combine(DeployFiles.Chart, "examples", example)));

        AssertValid(DeployFiles.Merge(Defaults, overrides), example);
    }

    [Theory]
    [InlineData("replicaCount: \"3\"", "/replicaCount", "type")]
    [InlineData("replicaCount: 0", "/replicaCount", "minimum")]
    [InlineData("replicaZount: 2", "/replicaZount", "false")]
    [InlineData("image: {pullPolicy: Sometimes}", "/image/pullPolicy", "enum")]
    [InlineData("service: {grpcPort: 70000}", "/service/grpcPort", "maximum")]
    [InlineData("redis: {endpoints: []}", "/redis/endpoints", "minItems")]
    [InlineData("redis: {endpoints: [\"redis\"]}", "/redis/endpoints/0", "pattern")]
    [InlineData("redis: {keyPrefix: \"has space\"}", "/redis/keyPrefix", "pattern")]
    [InlineData("redis: {password: {value: \"a,b\"}}", "/redis/password/value", "pattern")]
    [InlineData("redis: {tls: {enabled: true, caFile: ca.crt}}", "/redis/tls/caFile", "false")]
    [InlineData("otel: {protocol: thrift}", "/otel/protocol", "enum")]
    [InlineData("otel: {samplerRatio: 1.5}", "/otel/samplerRatio", "maximum")]
    [InlineData("securityContext: {readOnlyRootFilesystem: false}", "/securityContext/readOnlyRootFilesystem", "const")]
    [InlineData("podSecurityContext: {runAsNonRoot: false}", "/podSecurityContext/runAsNonRoot", "const")]
    [InlineData("autoscaling: {targetCPUUtilizationPercentage: 0}", "/autoscaling/targetCPUUtilizationPercentage", "minimum")]
    [InlineData("resources: {requests: {cpu: null}}", "/resources/requests", "required")]
    [InlineData("podDisruptionBudget: {maxUnavailable: 0}", "/podDisruptionBudget/maxUnavailable", "minimum")]
    [InlineData("podDisruptionBudget: {maxUnavailable: \"150%\"}", "/podDisruptionBudget/maxUnavailable", "pattern")]
    [InlineData("experiments: {flags: {Layers: [{Name: ranker, Arms: [{Name: a, Share: 101}]}]}}", "/experiments/flags/Layers/0/Arms/0/Share", "maximum")]
    [InlineData("experiments: {flags: {layers: []}}", "/experiments/flags/layers", "false")]
    [InlineData("partitionedBuild: {slices: 65}", "/partitionedBuild/slices", "maximum")]
    [InlineData("partitionedBuild: {slices: 0}", "/partitionedBuild/slices", "minimum")]
    [InlineData("partitionedBuild: {runId: Nightly_1}", "/partitionedBuild/runId", "pattern")]
    [InlineData("partitionedBuild: {runId: a-run-id-longer-than-twenty}", "/partitionedBuild/runId", "pattern")]
    [InlineData("partitionedBuild: {publishWait: 2h}", "/partitionedBuild/publishWait", "pattern")]
    [InlineData("partitionedBuild: {slicesDir: data/slices}", "/partitionedBuild/slicesDir", "pattern")]
    [InlineData("partitionedBuild: {resources: {requests: {gpu: 1}}}", "/partitionedBuild/resources/requests/gpu", "false")]
    public void Schema_RefusesBadValues_AtTheirPath(string overrideYaml, string path, string keyword)
    {
        var values = DeployFiles.Merge(Defaults, DeployFiles.YamlObject(overrideYaml));

        var errors = Errors(values);

        Assert.Contains(errors, e => e.Path == path && e.Keyword == keyword);
    }

    [Fact]
    public void Templates_ReferOnlyToValuesThatExist()
    {
        var defaults = Defaults;
        var missing = TemplateReferences()
            .Where(r => !DeployFiles.TryGet(defaults, r.Path, out _))
            .Select(static r => $"{r.File}: .Values.{r.Path}")
            .ToList();

        Assert.True(missing.Count == 0, "Not in values.yaml: " + string.Join(", ", missing));
    }

    [Fact]
    public void ValuesYaml_HasNoValueTheTemplatesIgnore()
    {
        var used = TemplateReferences().Select(static r => r.Path).ToHashSet(StringComparer.Ordinal);
        var dead = DeployFiles.Leaves(Defaults)
            .Where(leaf => !used.Any(u => leaf == u || leaf.StartsWith(u + ".", StringComparison.Ordinal)))
            .ToList();

        Assert.True(dead.Count == 0, "Unused values: " + string.Join(", ", dead));
    }

    [Theory]
    [InlineData("values.yaml", 0)]
    [InlineData("examples/redis-cluster.yaml", 1)]
    public void ExperimentFlags_AreReadByTheServersExperimentReader(string file, int layers)
    {
        var values = DeployFiles.YamlObject(File.ReadAllText(Path.Combine([DeployFiles.Chart, .. file.Split('/')])));
        Assert.True(DeployFiles.TryGet(values, "experiments.flags", out var flags));
        // The ConfigMap holds toPrettyJson of these flags; the server reads that file as configuration.
        using var json = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(flags!.ToJsonString()));
        var configuration = new ConfigurationBuilder().AddJsonStream(json).Build();
        var errors = new List<string>();

        var config = ExperimentConfigReader.Read(configuration, errors);

        Assert.Empty(errors);
        Assert.Equal(layers, config.Layers.Count);
    }

    private static IEnumerable<(string File, string Path)> TemplateReferences()
    {
        var templates = Path.Combine(DeployFiles.Chart, "templates");
        return Directory.GetFiles(templates, "*", SearchOption.AllDirectories)
            .SelectMany(file => DeployFiles.ValuesReferences(File.ReadAllText(file)).Select(p => (Path.GetRelativePath(templates, file), p)));
    }

    private static void AssertValid(JsonObject values, string what)
    {
        var errors = Errors(values);
        Assert.True(errors.Count == 0, $"{what}: " + string.Join("; ", errors.Select(static e => $"{e.Path} {e.Keyword}: {e.Message}")));
    }

    /// <summary>
    /// The errors that make <paramref name="values"/> invalid: failing nodes only, not inside a passing one (a
    /// passing oneOf keeps its failed branch's errors in the output). An unknown key fails the false schema of
    /// additionalProperties at the key's own path, reported here as keyword "false".
    /// </summary>
    private static List<(string Path, string Keyword, string Message)> Errors(JsonObject values)
    {
        var results = Schema.Value.Evaluate(DeployFiles.ToElement(values), new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var errors = new List<(string, string, string)>();
        Collect(results, errors);
        return errors;
    }

    private static void Collect(EvaluationResults node, List<(string, string, string)> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.Add((node.InstanceLocation.ToString(), keyword.Length == 0 ? "false" : keyword, message));
        }

        foreach (var child in node.Details ?? [])
        {
            Collect(child, errors);
        }
    }
}
