using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Api.Interceptors;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Telemetry;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace QueryRec.FunctionalTests.Resilience;

/// <summary>
/// Per-call resilience through a real gRPC channel: the concurrency limit sheds with RESOURCE_EXHAUSTED (never the
/// health service), a deadline shorter than the budget still gets a (degraded) answer in time, and an answer the
/// heuristic ranked because the model failed is counted as a fallback.
/// </summary>
public sealed class ResilienceCallTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, long> Counts = TestIndexes.GameQueries();

    private static async Task<(RedisServerFixture Server, QueryRecFactory Factory)> RedisHostAsync(string version, Dictionary<string, string?> settings)
    {
        var server = new RedisServerFixture();
        await server.InitializeAsync();
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        await new RedisIndexStore(server.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix }).PublishAsync(TestIndexes.FromQueries(version, Counts));
        settings["QueryRec:Store:Redis"] = server.ConnectionString;
        settings["QueryRec:Store:KeyPrefix"] = keyPrefix;
        settings["QueryRec:Store:PollInterval"] = "00:00:00.100";
        var factory = new QueryRecFactory(settings);
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, version, TimeSpan.FromSeconds(10));
        return (server, factory);
    }

    private static Task PauseAsync(RedisServerFixture server, TimeSpan pause)
        => server.Redis.GetServer(server.Redis.GetEndPoints()[0]).ExecuteAsync("CLIENT", "PAUSE", ((int)pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");

    [Fact]
    public async Task Suggest_AtConcurrencyLimit_SecondCallIsResourceExhaustedWhileFirstIsHeld()
    {
        var (server, factory) = await RedisHostAsync("limit-v1", new()
        {
            ["QueryRec:Resilience:ConcurrencyLimit:PermitLimit"] = "1",
            ["QueryRec:Suggest:StoreBudget"] = "00:00:05",
            ["QueryRec:Resilience:ReadTimeout"] = "00:00:10",
        });
        await using var _ = server;
        using var __ = factory;
        var client = factory.CreateClient(factory.CreateChannel());
        var limiter = factory.Services.GetRequiredService<CallLimiter>();

        // The first call holds the only permit: its reads wait for the paused Redis.
        await PauseAsync(server, TimeSpan.FromSeconds(2));
        var held = client.SuggestAsync(new SuggestRequest { Prefix = "hal", UserId = "held" }).ResponseAsync;
        await Polling.UntilAsync(() => limiter.AvailablePermits == 0, "the first call to take the permit", TimeSpan.FromSeconds(5));

        var shed = await Assert.ThrowsAsync<RpcException>(() => client.SuggestAsync(new SuggestRequest { Prefix = "ge" }).ResponseAsync);
        var heldWhenShed = !held.IsCompleted;

        // Health is never shed, even at the limit.
        var health = await new Health.HealthClient(factory.CreateChannel()).CheckAsync(new HealthCheckRequest { Service = "" });
        var heldAfterHealth = !held.IsCompleted;

        var first = await held;

        Assert.Equal(StatusCode.ResourceExhausted, shed.StatusCode);
        Assert.True(heldWhenShed, "the second call was refused only after the first one had finished");
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.True(heldAfterHealth, "the health check was answered only after the held call had finished");
        Assert.Equal("limit-v1", first.Metadata.IndexVersion);

        // The permit is back: calls are served again.
        var again = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
        Assert.Equal(TestIndexes.ExpectedTop(Counts, "ge", 10), again.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task Suggest_DeadlineShorterThanBudget_AnswersDegradedBeforeTheDeadline()
    {
        var (server, factory) = await RedisHostAsync("deadline-v1", new()
        {
            ["QueryRec:Suggest:StoreBudget"] = "00:00:05",
            ["QueryRec:Resilience:ReadTimeout"] = "00:00:10",
        });
        await using var _ = server;
        using var __ = factory;
        var client = factory.CreateClient(factory.CreateChannel());
        var deadline = TimeSpan.FromSeconds(1);

        await PauseAsync(server, TimeSpan.FromSeconds(4));
        var watch = Stopwatch.StartNew();
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "hal", UserId = "late" }, deadline: DateTime.UtcNow + deadline);
        watch.Stop();
        output.WriteLine($"answered in {watch.Elapsed.TotalMilliseconds:F0} ms with a {deadline.TotalMilliseconds:F0} ms deadline and a 5 s budget: {string.Join(", ", response.Metadata.DegradedReasons)}");

        // Without the deadline the call would have waited for the 4 s pause (or the 5 s budget).
        Assert.True(response.Metadata.Degraded);
        Assert.Contains("store_timeout:prefix", response.Metadata.DegradedReasons);
        Assert.True(watch.Elapsed < deadline + TimeSpan.FromSeconds(1), $"answered after {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Suggest_ModelThrowsWhileScoring_IsCountedAsHeuristicFallback()
    {
        var dir = Directory.CreateTempSubdirectory("queryrec-fallback-");
        try
        {
            var model = Path.Combine(dir.FullName, "model.onnx");
            File.WriteAllBytes(model, BatchOfTwoOnnxModel.Create());
            File.WriteAllText(RankingModel.CardPath(model), JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["schema_version"] = FeatureSchema.Version,
                ["model_version"] = "fallback-batch-of-two",
            }));
            using var factory = new QueryRecFactory(new()
            {
                ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("fallback-v1", Counts), dir.FullName),
                ["QueryRec:Ranking:Model:Path"] = model,
                // These calls carry no real-time signal: the model must still rank them (this test is about the model, not the
                // learned ranker's cold-start guard).
                ["QueryRec:Ranking:Model:HeuristicWithoutSignal"] = "false",
            });
            var client = factory.CreateClient(factory.CreateChannel());
            using var fallbacks = new HostCounter(factory, QueryRecInstrumentation.FallbackName, new("kind", "heuristic"));

            var scored = await client.SuggestAsync(new SuggestRequest { Prefix = "halo" });
            var countAfterScored = fallbacks.Count;
            var failed = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });

            Assert.Equal("fallback-batch-of-two", scored.Metadata.ModelVersion);
            Assert.Equal(0, countAfterScored);
            Assert.Equal(["model_error"], failed.Metadata.DegradedReasons);
            Assert.Equal(1, fallbacks.Count);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
