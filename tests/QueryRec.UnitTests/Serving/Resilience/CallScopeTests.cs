using Microsoft.Extensions.Time.Testing;
using QueryRec.Serving.Resilience;

namespace QueryRec.UnitTests.Serving.Resilience;

public sealed class CallScopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Detached_IsNotMadeCurrent()
    {
        var scope = CallScope.Detached(Now.UtcDateTime.AddMilliseconds(100), new FakeTimeProvider(Now));

        Assert.Null(CallScope.Current);
        Assert.InRange(scope.LimitOf(TimeSpan.FromMilliseconds(200)), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(99));
    }

    [Fact]
    public void Limit_WithoutDeadline_IsTheBudget()
    {
        using var scope = CallScope.Begin(DateTime.MaxValue, new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.FromMilliseconds(200), scope.Scope.LimitOf(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void Limit_WithDeadlineShorterThanBudget_EndsBeforeTheDeadline()
    {
        using var scope = CallScope.Begin(Now.UtcDateTime.AddMilliseconds(100), new FakeTimeProvider(Now));

        var limit = scope.Scope.LimitOf(TimeSpan.FromMilliseconds(200));

        Assert.InRange(limit, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(99));
    }

    [Fact]
    public void Limit_WithDeadlineFarAway_IsTheBudget()
    {
        using var scope = CallScope.Begin(Now.UtcDateTime.AddSeconds(10), new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.FromMilliseconds(200), scope.Scope.LimitOf(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void Limit_AfterTheDeadline_IsZero()
    {
        using var scope = CallScope.Begin(Now.UtcDateTime.AddMilliseconds(-1), new FakeTimeProvider(Now));

        Assert.Equal(TimeSpan.Zero, scope.Scope.LimitOf(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void AddReason_SameReasonTwice_IsKeptOnce()
    {
        using var scope = CallScope.Begin(DateTime.MaxValue, TimeProvider.System);

        CallScope.AddReason("store_circuit_open");
        CallScope.AddReason("store_circuit_open");

        Assert.Equal(["store_circuit_open"], scope.Scope.Reasons());
    }

    [Fact]
    public void AddReason_OutsideACall_IsIgnored()
    {
        CallScope.AddReason("store_circuit_open");

        Assert.Null(CallScope.Current);
    }
}
