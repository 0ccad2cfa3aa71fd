using System.Diagnostics;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Telemetry;

/// <summary>
/// Issue 7: with a Redis store, Redis commands are client spans of the step that issued them (StackExchange.Redis
/// instrumentation), and neither those spans nor the log of a failed Redis read hold the raw user id, which is part
/// of the real-time keys.
/// </summary>
public sealed class RedisSpanTests(RedisTelemetryHost host) : IClassFixture<RedisTelemetryHost>
{
    [Fact]
    public async Task Suggest_OnRedis_HasRedisClientSpansUnderTheStepReadingTheHistory()
    {
        var user = "otel-redis-" + Guid.NewGuid().ToString("N");
        await host.SearchAsync("gears of war 2", userId: user);

        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });

        Assert.Equal("gears of war 2", response.Items[0].Text);
        var rpc = host.RpcSpan("Suggest", response.Metadata.RequestId);
        Assert.Single(host.TraceOf(rpc), s => s.DisplayName == "recall.history");

        // The history is read by the step that needs it first: the response cache's check of the caller's history
        // when it runs (recall then shares that read), else the history source itself.
        var reader = host.TraceOf(rpc).SingleOrDefault(s => s.DisplayName == "history.check")
            ?? host.TraceOf(rpc).Single(s => s.DisplayName == "recall.history");

        // The instrumentation drains the profiler in the background (every 100 ms while busy).
        await Polling.UntilAsync(
            () => host.TraceOf(rpc).Any(s => s.Kind == ActivityKind.Client && s.ParentSpanId == reader.SpanId && IsRedis(s)),
            $"a Redis client span under {reader.DisplayName}",
            TimeSpan.FromSeconds(30));
        var redis = host.TraceOf(rpc).Where(s => s.Kind == ActivityKind.Client && IsRedis(s)).ToList();
        var ids = host.TraceOf(rpc).Select(static s => s.SpanId).ToHashSet();
        Assert.All(redis, s => Assert.Contains(s.ParentSpanId, ids));
        SpanTreeTests.AssertNoRawId(host, user, "never-sent");
    }

    [Fact]
    public async Task Suggest_HistoryKeyOfTheWrongType_IsDegradedAndTheLogHasNoRawUserId()
    {
        var user = "otel-wrongtype-" + Guid.NewGuid().ToString("N");

        // The user's recent-queries key (a sorted set, see RealtimeKeyspace) holds a string: the read fails.
        await host.Redis.Redis.GetDatabase().StringSetAsync(host.KeyPrefix + "rt:rq:u:" + user, "not a sorted set");

        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });

        Assert.Contains("source_error:history", response.Metadata.DegradedReasons);
        var rpc = host.RpcSpan("Suggest", response.Metadata.RequestId);
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(host.TraceOf(rpc), s => s.DisplayName == "recall.history").Status);
        Assert.Equal("source_error:history", rpc.GetTagItem("queryrec.degraded_reason"));
        Assert.Contains(host.Logs.Lines, l => l.EventId.Name == "StoreReadDegraded" && l.Exception is not null && l.Text.Contains("source_error:history", StringComparison.Ordinal));
        SpanTreeTests.AssertNoRawId(host, user, "never-sent");
    }

    [Fact]
    public async Task Suggest_RedisTimeout_IsDegradedAndTheLoggedTimeoutHasNoRawUserId()
    {
        var user = "otel-timeout-" + Guid.NewGuid().ToString("N");
        await host.SearchAsync("gears of war 2", userId: user);

        // Every client but the fixture's admin connection waits: the reads time out in the client, whose timeout
        // exceptions name the command and, unless told not to, keys (which hold the user id).
        var admin = host.Redis.Redis.GetServer(host.Redis.Redis.GetEndPoints()[0]);
        await admin.ExecuteAsync("CLIENT", "PAUSE", (RedisTelemetryHost.AsyncTimeoutMs * 6).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");
        SuggestResponse response;
        try
        {
            response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });
        }
        finally
        {
            await admin.ExecuteAsync("CLIENT", "UNPAUSE");
        }

        Assert.Contains("source_error:history", response.Metadata.DegradedReasons);
        Assert.Contains(host.Logs.Lines, l => l.EventId.Name == "StoreReadDegraded" && l.Exception is StackExchange.Redis.RedisTimeoutException);

        // No Redis key at all in the log: a timeout message may name the next queued command's key, and the
        // real-time keys hold user ids.
        Assert.DoesNotContain(host.Logs.Lines, l => l.Text.Contains(host.KeyPrefix, StringComparison.Ordinal));
        SpanTreeTests.AssertNoRawId(host, user, "never-sent");
    }

    private static bool IsRedis(Activity span)
        => span.GetTagItem("db.system") as string == "redis" || span.GetTagItem("db.system.name") as string == "redis";
}
