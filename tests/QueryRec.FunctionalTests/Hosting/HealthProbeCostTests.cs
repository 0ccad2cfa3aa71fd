using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.ServiceDefaults;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace QueryRec.FunctionalTests.Hosting;

/// <summary>
/// Health probes answer from the last published health report: a burst of probes does not run the checks once per
/// call, and readiness still follows the index (NOT_SERVING until a version is published, then SERVING).
/// </summary>
public sealed class HealthProbeCostTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["laptop"] = 10, ["lamp"] = 5 };

    [Fact]
    public async Task HealthCheck_ManyProbes_RunTheChecksFarFewerTimes()
    {
        var runs = 0;
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts)),
        })
        {
            TestServices = services => services.AddHealthChecks().AddCheck(
                "counting",
                () =>
                {
                    Interlocked.Increment(ref runs);
                    return HealthCheckResult.Healthy();
                },
                [ServiceDefaultsExtensions.ReadyTag]),
        };
        var health = new Health.HealthClient(factory.CreateChannel());
        var http = factory.CreateClient();
        const int Probes = 200;

        var before = Volatile.Read(ref runs);
        var statuses = new List<ServingStatus>();
        for (var i = 0; i < Probes; i++)
        {
            statuses.Add((await health.CheckAsync(new HealthCheckRequest { Service = "" })).Status);
            Assert.True((await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).IsSuccessStatusCode);
        }

        var during = Volatile.Read(ref runs) - before;

        Assert.All(statuses, s => Assert.Equal(ServingStatus.Serving, s));
        // The checks run once at start and once per publisher period (one second), whatever the probes do.
        Assert.True(during < Probes / 10, $"{during} check runs for {Probes} gRPC and {Probes} HTTP probes");
    }

    [Fact]
    public async Task HealthCheck_IndexPublishedAfterStart_TurnsFromNotServingToServing()
    {
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        using var factory = QueryRecFactory.Redis(redis.ConnectionString, keyPrefix, TimeSpan.FromMilliseconds(50));
        var health = new Health.HealthClient(factory.CreateChannel());
        var http = factory.CreateClient();

        var before = (await health.CheckAsync(new HealthCheckRequest { Service = "" })).Status;
        var httpBefore = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
        await new RedisIndexStore(redis.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix }).PublishAsync(TestIndexes.FromQueries("v1", Counts));
        var after = await WaitForServingAsync(health, TimeSpan.FromSeconds(15));

        Assert.Equal(ServingStatus.NotServing, before);
        Assert.False(httpBefore.IsSuccessStatusCode);
        Assert.Equal(ServingStatus.Serving, after);
        Assert.True((await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative))).IsSuccessStatusCode);
    }

    private static async Task<ServingStatus> WaitForServingAsync(Health.HealthClient health, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        ServingStatus status;
        do
        {
            status = (await health.CheckAsync(new HealthCheckRequest { Service = "" })).Status;
            if (status == ServingStatus.Serving)
            {
                return status;
            }

            await Task.Delay(50);
        }
        while (waited.Elapsed < timeout);
        return status;
    }
}
