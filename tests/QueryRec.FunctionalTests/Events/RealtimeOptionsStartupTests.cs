using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Events;

/// <summary>Bad <c>QueryRec:Realtime</c> options stop the host at start with a message naming them.</summary>
public sealed class RealtimeOptionsStartupTests
{
    [Theory]
    [InlineData("QueryRec:Realtime:RecentQueriesCap", "0", "RecentQueriesCap")]
    [InlineData("QueryRec:Realtime:DedupeWindow", "30.00:00:00", "DedupeWindow")]
    [InlineData("QueryRec:Realtime:TrendingWindow", "00:02:00", "TrendingWindow")] // shorter than the 5-minute bucket
    public void Startup_BadRealtimeOption_FailsWithClearMessage(string key, string value, string named)
    {
        using var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = "", [key] = value });

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateChannel());

        Assert.Contains(named, ex.ToString(), StringComparison.Ordinal);
    }
}
