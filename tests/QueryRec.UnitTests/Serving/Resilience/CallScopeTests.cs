using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using QueryRec.Serving.Resilience;
using StackExchange.Redis;

namespace QueryRec.UnitTests.Serving.Resilience;

public sealed class CallScopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Limit_WithoutDeadline_IsTheBudget()
    {
        var scope = new CallScope(DateTime.MaxValue, new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.FromMilliseconds(200), scope.LimitOf(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void Limit_WithDeadlineShorterThanBudget_EndsBeforeTheDeadline()
    {
        var scope = new CallScope(Now.UtcDateTime.AddMilliseconds(100), new FakeTimeProvider(Now));

        var limit = scope.LimitOf(TimeSpan.FromMilliseconds(200));

        // 100 ms remain; a fifth (20 ms) is kept to answer.
        Assert.Equal(TimeSpan.FromMilliseconds(80), limit);
    }

    [Fact]
    public void Limit_WithDeadlineFarAway_IsTheBudget()
    {
        var scope = new CallScope(Now.UtcDateTime.AddSeconds(10), new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.FromMilliseconds(200), scope.LimitOf(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void Limit_AfterTheDeadline_IsZero()
    {
        var scope = new CallScope(Now.UtcDateTime.AddMilliseconds(-1), new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.Zero, scope.LimitOf(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void AddReason_SameReasonTwice_IsKeptOnce()
    {
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        scope.AddReason("store_circuit_open");
        scope.AddReason("source_error:hot");
        scope.AddReason("store_circuit_open");

        Assert.Equal(["store_circuit_open", "source_error:hot"], scope.Reasons());
    }

    [Fact]
    public async Task AddReason_FromConcurrentSteps_KeepsEveryReasonOnce()
    {
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => scope.AddReason("r" + (i % 8)))));

        Assert.Equal(Enumerable.Range(0, 8).Select(i => "r" + i).Order(StringComparer.Ordinal), scope.Reasons().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StoreFault_OfAReadRefusedByTheOpenCircuit_IsStoreCircuitOpen()
    {
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        scope.AddStoreFault(new BrokenCircuitException());
        scope.AddStoreFault(new AggregateException(new BrokenCircuitException()));

        Assert.Equal(["store_circuit_open"], scope.Reasons());
    }

    [Fact]
    public void StoreFault_OfOtherFailures_AddsNothing()
    {
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        scope.AddStoreFault(new RedisException("down"));
        scope.AddStoreFault(new TimeoutException());
        scope.AddStoreFault(null);

        Assert.Empty(scope.Reasons());
    }
}
