using System.Text.Json.Nodes;
using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryRec.ServiceDefaults;

namespace QueryRec.UnitTests.Deploy;

/// <summary>
/// helm/queryrec/templates without a helm binary: the static YAML of every template (actions stripped) parses and
/// declares the kind and apiVersion Kubernetes expects; the Deployment's probes use gRPC health on the grpc port
/// with service names the server registers; the pod is locked down; the flags ConfigMap is mounted so that it
/// hot-reloads and does not roll the pods.
/// </summary>
public sealed class ChartTemplateTests
{
    private static readonly Dictionary<string, (string ApiVersion, string Kind)> Expected = new(StringComparer.Ordinal)
    {
        ["deployment.yaml"] = ("apps/v1", "Deployment"),
        ["service.yaml"] = ("v1", "Service"),
        ["configmap.yaml"] = ("v1", "ConfigMap"),
        ["secret.yaml"] = ("v1", "Secret"),
        ["serviceaccount.yaml"] = ("v1", "ServiceAccount"),
        ["hpa.yaml"] = ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ["pdb.yaml"] = ("policy/v1", "PodDisruptionBudget"),
        ["job-build-slices.yaml"] = ("batch/v1", "Job"),
        ["job-publish-slices.yaml"] = ("batch/v1", "Job"),
        ["tests/test-connection.yaml"] = ("v1", "Pod"),
    };

    private static string TemplatesDir => Path.Combine(DeployFiles.Chart, "templates");

    public static TheoryData<string> Templates() => [.. TemplateNames()];

    private static IEnumerable<string> TemplateNames()
        => Directory.GetFiles(TemplatesDir, "*.yaml", SearchOption.AllDirectories)
            .Select(static file => Path.GetRelativePath(TemplatesDir, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Chart_FollowsHelmCreateLayout()
    {
        var chart = DeployFiles.YamlObject(File.ReadAllText(Path.Combine(DeployFiles.Chart, "Chart.yaml")));
        var helpers = File.ReadAllText(Path.Combine(TemplatesDir, "_helpers.tpl"));

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("queryrec", (string?)chart["name"]);
        Assert.Equal("application", (string?)chart["type"]);
        Assert.True(File.Exists(Path.Combine(TemplatesDir, "NOTES.txt")));
        foreach (var name in new[] { "name", "fullname", "chart", "labels", "selectorLabels", "serviceAccountName" })
        {
            Assert.Contains($"define \"queryrec.{name}\"", helpers, StringComparison.Ordinal);
        }

        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), TemplateNames());
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_StaticYamlParses_WithTheExpectedKind(string template)
    {
        var documents = DeployFiles.YamlDocuments(DeployFiles.StaticYaml(File.ReadAllText(Path.Combine(TemplatesDir, template))))
            .Where(static d => d is not null)
            .ToList();

        var manifest = Assert.Single(documents)!.AsObject();
        Assert.Equal(Expected[template].ApiVersion, (string?)manifest["apiVersion"]);
        Assert.Equal(Expected[template].Kind, (string?)manifest["kind"]);
        Assert.NotNull(manifest["metadata"]?["name"]);
    }

    [Fact]
    public void Deployment_ProbesAskTheServersHealthServicesOverGrpc()
    {
        var container = Container();
        var grpcPort = Port(container, "grpc");
        var served = HealthServiceNames();

        var liveness = container["livenessProbe"]!["grpc"]!.AsObject();
        var readiness = container["readinessProbe"]!["grpc"]!.AsObject();

        Assert.Equal(grpcPort, (long)liveness["port"]!);
        Assert.Equal(grpcPort, (long)readiness["port"]!);
        var livenessService = (string?)liveness["service"] ?? string.Empty;
        var readinessService = (string?)readiness["service"] ?? string.Empty;
        Assert.Equal(ServiceDefaultsExtensions.LivenessServiceName, livenessService);
        Assert.Contains(livenessService, served);
        Assert.Equal(string.Empty, readinessService);
        Assert.Contains(readinessService, served);
    }

    [Fact]
    public void Deployment_PortsAreTheImagesKestrelEndpoints()
    {
        var container = Container();
        var dockerfile = DeployFiles.Read("deploy/Dockerfile");

        Assert.Contains($"Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:{Port(container, "grpc")}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"Kestrel__Endpoints__Web__Url=http://0.0.0.0:{Port(container, "http")}", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_GrpcPortIsH2c_AndBothPortsTargetTheContainerPorts()
    {
        var service = Manifest("service.yaml");
        var ports = service["spec"]!["ports"]!.AsArray().Select(static p => p!.AsObject()).ToList();

        var grpc = Assert.Single(ports, static p => (string?)p["name"] == "grpc");
        var http = Assert.Single(ports, static p => (string?)p["name"] == "http");
        Assert.Equal("kubernetes.io/h2c", (string?)grpc["appProtocol"]);
        Assert.Equal("grpc", (string?)grpc["targetPort"]);
        Assert.Equal("http", (string?)http["targetPort"]);
    }

    [Fact]
    public void Deployment_RunsNonRootOnAReadOnlyRootWithAWritableTmp()
    {
        var values = DeployFiles.YamlObject(File.ReadAllText(Path.Combine(DeployFiles.Chart, "values.yaml")));
        var pod = values["podSecurityContext"]!.AsObject();
        var container = values["securityContext"]!.AsObject();
        var mounts = Container()["volumeMounts"]!.AsArray();

        Assert.True((bool)pod["runAsNonRoot"]!);
        Assert.Equal(1654, (long)pod["runAsUser"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["seccompProfile"]!["type"]);
        Assert.True((bool)container["readOnlyRootFilesystem"]!);
        Assert.False((bool)container["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], container["capabilities"]!["drop"]!.AsArray().Select(static c => (string?)c));
        Assert.Contains(mounts, static m => (string?)m!["mountPath"] == "/tmp");
        var deployment = File.ReadAllText(Path.Combine(TemplatesDir, "deployment.yaml"));
        Assert.Contains("toYaml .Values.podSecurityContext", deployment, StringComparison.Ordinal);
        Assert.Contains("toYaml .Values.securityContext", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Experiments_MountedAsADirectory_PolledAndWithoutAChecksumThatWouldRollPods()
    {
        var container = Container();
        var env = container["env"]!.AsArray().Select(static e => e!.AsObject()).ToDictionary(static e => (string)e["name"]!, StringComparer.Ordinal);
        var mount = container["volumeMounts"]!.AsArray().Single(static m => (string?)m!["name"] == "experiments")!.AsObject();
        var file = (string)env["QueryRec__Experiments__File"]["value"]!;
        var configMap = Manifest("configmap.yaml");
        var deployment = File.ReadAllText(Path.Combine(TemplatesDir, "deployment.yaml"));

        Assert.Null(mount["subPath"]);
        Assert.Equal((string)mount["mountPath"]! + "/" + Assert.Single(configMap["data"]!.AsObject()).Key, file);
        Assert.Equal("1", (string?)env["DOTNET_USE_POLLING_FILE_WATCHER"]["value"]);
        Assert.DoesNotContain("checksum/", deployment, StringComparison.Ordinal);
    }

    private static JsonObject Manifest(string template)
        => DeployFiles.YamlDocuments(DeployFiles.StaticYaml(File.ReadAllText(Path.Combine(TemplatesDir, template)))).Single(static d => d is not null)!.AsObject();

    private static JsonObject Container()
        => Manifest("deployment.yaml")["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!.AsObject();

    private static long Port(JsonObject container, string name)
        => (long)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == name)!["containerPort"]!;

    /// <summary>The gRPC health service names the server's defaults register.</summary>
    private static HashSet<string> HealthServiceNames()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddServiceDefaults();
        using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<GrpcHealthChecksOptions>>().Value;
        return options.Services.Select(static s => s.Name).ToHashSet(StringComparer.Ordinal);
    }
}
