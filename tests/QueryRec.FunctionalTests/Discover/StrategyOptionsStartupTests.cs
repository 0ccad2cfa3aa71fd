using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>Bad strategy options (Discover, GetShadingWords) stop the host at start with a message naming them.</summary>
public sealed class StrategyOptionsStartupTests
{
    [Theory]
    [InlineData("QueryRec:Strategies:MmrLambda", "1.5", "MmrLambda")]
    [InlineData("QueryRec:Strategies:RotationIntervalSeconds", "0", "RotationIntervalSeconds")]
    [InlineData("QueryRec:Strategies:ShadingDefaultLimit", "21", "ShadingDefaultLimit")]
    [InlineData("QueryRec:Strategies:DiscoverDefaultLimit", "0", "DiscoverDefaultLimit")]
    [InlineData("QueryRec:Strategies:ShadingDailyExposureCap", "-1", "ShadingDailyExposureCap")]
    [InlineData("QueryRec:Strategies:RecallBudget", "00:00:00", "RecallBudget")]
    public void Startup_BadStrategyOption_FailsWithClearMessage(string key, string value, string named)
    {
        var output = ApiProcess.StartupFailure(new Dictionary<string, string?> { ["QueryRec:Store:IndexPath"] = "", [key] = value });

        Assert.Contains(named, output, StringComparison.Ordinal);
    }
}
