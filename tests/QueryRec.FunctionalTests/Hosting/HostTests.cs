using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Hosting;

public sealed class HostTests
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["laptop"] = 10, ["lamp"] = 5 };

    [Fact]
    public async Task Health_NoIndexLoaded_IsNotServingButAlive()
    {
        using var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = "" });
        var health = new Health.HealthClient(factory.CreateChannel());

        var readiness = await health.CheckAsync(new HealthCheckRequest { Service = "" });
        var service = await health.CheckAsync(new HealthCheckRequest { Service = "queryrec.v1.QueryRecService" });
        var liveness = await health.CheckAsync(new HealthCheckRequest { Service = "liveness" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, readiness.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, service.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, liveness.Status);
    }

    [Fact]
    public async Task Suggest_NoIndexLoaded_AnswersEmptyAndDegraded()
    {
        using var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = "" });
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "la" });

        Assert.Empty(response.Items);
        Assert.True(response.Metadata.Degraded);
        Assert.Contains("index_unavailable", response.Metadata.DegradedReasons);
    }

    [Fact]
    public async Task Health_IndexLoaded_IsServing()
    {
        using var factory = QueryRecFactory.Embedded(QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts)));
        var health = new Health.HealthClient(factory.CreateChannel());

        var readiness = await health.CheckAsync(new HealthCheckRequest { Service = "" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, readiness.Status);
        var http = factory.CreateClient();
        Assert.True((await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).IsSuccessStatusCode);
        Assert.True((await http.GetAsync(new Uri("/healthz/live", UriKind.Relative))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Reflection_ListServices_IncludesQueryRecAndHealth()
    {
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts)),
            ["QueryRec:Grpc:Reflection"] = "true",
        });
        var reflection = new ServerReflection.ServerReflectionClient(factory.CreateChannel());

        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("queryrec.v1.QueryRecService", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public void Startup_IndexPathMissing_FailsWithClearMessage()
    {
        var output = ApiProcess.StartupFailure(new Dictionary<string, string?> { ["QueryRec:Store:IndexPath"] = "/nonexistent/index.qrx" });

        Assert.Contains("/nonexistent/index.qrx", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_ReplayClockConfiguredOnADeployedServer_FailsWithClearMessage()
    {
        // The replay clock lets ReportEvents callers move "now"; only the indexer's in-process host may turn it on.
        var output = ApiProcess.StartupFailure(new Dictionary<string, string?> { ["QueryRec:Store:IndexPath"] = "", ["QueryRec:Clock:Replay"] = "true" });

        Assert.Contains("QueryRec:Clock:Replay is for the indexer's in-process", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_OutOfRangeOption_FailsWithClearMessage()
    {
        var output = ApiProcess.StartupFailure(new Dictionary<string, string?> { ["QueryRec:Store:IndexPath"] = "", ["QueryRec:Suggest:DefaultLimit"] = "500" });

        Assert.Contains("DefaultLimit", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddedFile_RewrittenWithNewVersion_IsPickedUpWithoutRestart()
    {
        var path = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts));
        using var factory = QueryRecFactory.Embedded(path, TimeSpan.FromMilliseconds(100));
        var client = factory.CreateClient(factory.CreateChannel());
        Assert.Equal("v1", (await client.SuggestAsync(new SuggestRequest { Prefix = "la" })).Metadata.IndexVersion);

        var updated = new Dictionary<string, long>(Counts) { ["lamp"] = 50 };
        QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v2", updated), Path.GetDirectoryName(path));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));

        SuggestResponse? response = null;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            response = await client.SuggestAsync(new SuggestRequest { Prefix = "la" });
            if (response.Metadata.IndexVersion == "v2")
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("v2", response!.Metadata.IndexVersion);
        Assert.Equal(["lamp", "laptop"], response.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task EmbeddedFile_ReplacedByCorruptFile_KeepsServingOldVersion()
    {
        var path = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts));
        using var factory = QueryRecFactory.Embedded(path, TimeSpan.FromMilliseconds(100));
        var client = factory.CreateClient(factory.CreateChannel());
        Assert.Equal("v1", (await client.SuggestAsync(new SuggestRequest { Prefix = "la" })).Metadata.IndexVersion);

        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        await Task.Delay(500);

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "la" });
        Assert.Equal("v1", response.Metadata.IndexVersion);
        Assert.Equal(["laptop", "lamp"], response.Items.Select(i => i.Text));
    }
}
