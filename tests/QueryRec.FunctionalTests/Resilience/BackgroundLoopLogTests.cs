using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.FunctionalTests.Telemetry;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;
using Xunit.Abstractions;

namespace QueryRec.FunctionalTests.Resilience;

/// <summary>
/// The background loops (index version poll, trending refresh, ranking model source check) during a real Redis
/// outage: each kind of failure is logged with its stack once per outage, the other failures as one-line Debug
/// entries, and each loop logs its recovery once Redis is back.
/// </summary>
public sealed class BackgroundLoopLogTests(ITestOutputHelper output)
{
    private const int IndexRefreshFailed = 2;
    private const int TrendingRefreshFailed = 10;
    private const int RankingModelSourceFailed = 62;
    private const int FailedAgain = 13;
    private const int Recovered = 14;

    private static readonly string[] Loops = ["QueryRec.Serving.Index.IndexWatcher", "QueryRec.Serving.Recall.TrendingQueries", "QueryRec.Serving.Ranking.RankingModelHost"];

    [Fact]
    public async Task RedisOutage_EachLoopLogsEachKindOfFailureInFullOnce_ThenOneLineEntries_ThenItsRecovery()
    {
        var server = new RedisServerFixture();
        await server.InitializeAsync();
        await using var _ = server;
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        await new RedisIndexStore(server.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix }).PublishAsync(TestIndexes.FromQueries("loops-v1", TestIndexes.GameQueries()));
        var logs = new CapturingLoggerProvider();
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:Redis"] = server.ConnectionString,
            ["QueryRec:Store:KeyPrefix"] = keyPrefix,
            ["QueryRec:Store:PollInterval"] = "00:00:00.100",
            ["QueryRec:Trending:RefreshInterval"] = "00:00:00.100",
            ["QueryRec:Ranking:Model:PollInterval"] = "00:00:00.100",
        })
        {
            TestServices = services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                services.Configure<LoggerFilterOptions>(static o => o.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
            },
        };
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "loops-v1", TimeSpan.FromSeconds(10));

        // Redis keeps its data over the restart (an RDB snapshot), then dies.
        await server.Redis.GetServer(server.Redis.GetEndPoints()[0]).ExecuteAsync("SAVE");
        await server.KillAsync();
        await WaitAsync(() => Loops.All(loop => Lines(logs, loop).Count(l => l.EventId.Id == FailedAgain) >= 5), "each loop failed again at least 5 times");
        await server.RestartAsync();
        await WaitAsync(() => Loops.All(loop => Lines(logs, loop).Any(l => l.EventId.Id == Recovered)), "each loop logged its recovery");
        var answer = await client.SuggestAsync(new SuggestRequest { Prefix = "gea" });
        Assert.NotEmpty(answer.Items);

        foreach (var loop in Loops)
        {
            var lines = Lines(logs, loop);
            var withStack = lines.Where(l => l.Exception is not null).ToList();
            output.WriteLine($"{loop}: {lines.Count(l => l.EventId.Id == FailedAgain)} one-line failures, {withStack.Count} with a stack: "
                + string.Join(", ", withStack.Select(l => l.Exception!.GetType().Name)));

            // Full entries are the loop's own failure message, one per exception type, none repeated.
            Assert.NotEmpty(withStack);
            Assert.All(withStack, l => Assert.Contains(l.EventId.Id, new[] { IndexRefreshFailed, TrendingRefreshFailed, RankingModelSourceFailed }));
            Assert.Equal(withStack.Count, withStack.Select(l => l.Exception!.GetType()).Distinct().Count());
            Assert.All(lines.Where(l => l.EventId.Id == FailedAgain), l => Assert.Null(l.Exception));
            var recovered = Assert.Single(lines, l => l.EventId.Id == Recovered);
            Assert.Equal(LogLevel.Information, recovered.Level);
        }
    }

    private static List<CapturingLoggerProvider.LogLine> Lines(CapturingLoggerProvider logs, string category)
        => logs.Lines.Where(l => l.Category == category).ToList();

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
