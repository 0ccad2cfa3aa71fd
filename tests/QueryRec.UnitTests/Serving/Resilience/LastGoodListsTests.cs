using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.UnitTests.Serving.Resilience;

public sealed class LastGoodListsTests
{
    private static RankedQueries ListOf(string text) => new() { Queries = { new RankedQuery { Text = text, Score = 1 } } };

    private static ValueTask<RankedQueries?> Read(RankedQueries? list, CancellationToken _) => ValueTask.FromResult(list);

    private static ValueTask<RankedQueries?> Fail(Exception error, CancellationToken _) => ValueTask.FromException<RankedQueries?>(error);

    [Fact]
    public async Task Read_ThatSucceeds_IsReturnedAndNotMarked()
    {
        using var host = new ResilienceTestHost();
        var lists = new LastGoodLists(host.Metrics, NullLogger<LastGoodLists>.Instance);
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        var list = await lists.ReadAsync("h:games", "v1", ListOf("zelda"), Read, scope, CancellationToken.None);

        Assert.Equal("zelda", list!.Queries[0].Text);
        Assert.Empty(scope.Reasons());
    }

    [Fact]
    public async Task Read_ThatFails_IsServedFromTheLastGoodCopyOfAnEarlierVersionAndMarked()
    {
        using var host = new ResilienceTestHost();
        var lists = new LastGoodLists(host.Metrics, NullLogger<LastGoodLists>.Instance);
        _ = await lists.ReadAsync("h:games", "v1", ListOf("zelda"), Read, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None);
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        var list = await lists.ReadAsync("h:games", "v2", (Exception)new RedisException("down"), Fail, scope, CancellationToken.None);

        Assert.Equal("zelda", list!.Queries[0].Text);
        Assert.Equal(["store_fallback:last_good_list"], scope.Reasons());
        Assert.Equal(1, host.Count(QueryRecInstrumentation.FallbackName, "kind=" + QueryRecInstrumentation.KindLastGoodList));
    }

    [Fact]
    public async Task Read_RefusedByTheOpenCircuit_IsMarkedWithTheStoreReasonToo()
    {
        using var host = new ResilienceTestHost();
        var lists = new LastGoodLists(host.Metrics, NullLogger<LastGoodLists>.Instance);
        _ = await lists.ReadAsync("t:", "v1", ListOf("ps5"), Read, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None);
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        _ = await lists.ReadAsync("t:", "v1", (Exception)new BrokenCircuitException(), Fail, scope, CancellationToken.None);

        Assert.Equal(["store_circuit_open", "store_fallback:last_good_list"], scope.Reasons());
    }

    [Fact]
    public async Task Read_ThatFailsWithoutACopy_Throws()
    {
        using var host = new ResilienceTestHost();
        var lists = new LastGoodLists(host.Metrics, NullLogger<LastGoodLists>.Instance);
        _ = await lists.ReadAsync("h:games", "v1", ListOf("zelda"), Read, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None);

        // Another key has no copy: the failure reaches the caller (its recall source is dropped with its own reason).
        await Assert.ThrowsAsync<RedisException>(async () =>
            await lists.ReadAsync("h:books", "v1", (Exception)new RedisException("down"), Fail, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None));
    }

    [Fact]
    public async Task Read_Cancelled_IsNotServedFromTheCopy()
    {
        using var host = new ResilienceTestHost();
        var lists = new LastGoodLists(host.Metrics, NullLogger<LastGoodLists>.Instance);
        _ = await lists.ReadAsync("h:games", "v1", ListOf("zelda"), Read, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None);

        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
            await lists.ReadAsync("h:games", "v1", (Exception)new OperationCanceledException(), Fail, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None));
    }

    [Fact]
    public async Task Read_AfterAFailedOneWithoutList_KeepsTheEarlierCopy()
    {
        using var host = new ResilienceTestHost();
        var lists = new LastGoodLists(host.Metrics, NullLogger<LastGoodLists>.Instance);
        _ = await lists.ReadAsync("h:games", "v1", ListOf("zelda"), Read, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None);

        // A version without the list (null) answers null and leaves the copy for when reads fail.
        Assert.Null(await lists.ReadAsync("h:games", "v2", (RankedQueries?)null, Read, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None));
        var list = await lists.ReadAsync("h:games", "v2", (Exception)new RedisException("down"), Fail, new CallScope(DateTime.MaxValue, TimeProvider.System), CancellationToken.None);

        Assert.Equal("zelda", list!.Queries[0].Text);
    }
}
