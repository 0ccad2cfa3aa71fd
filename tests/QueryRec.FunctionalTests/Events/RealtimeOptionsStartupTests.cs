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
        var output = ApiProcess.StartupFailure(new Dictionary<string, string?> { ["QueryRec:Store:IndexPath"] = "", [key] = value });

        Assert.Contains(named, output, StringComparison.Ordinal);
    }
}
