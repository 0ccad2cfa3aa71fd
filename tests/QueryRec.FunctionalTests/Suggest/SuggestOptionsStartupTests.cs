using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>Bad Suggest, trending and heuristic-ranking options stop the host at start with a message naming them.</summary>
public sealed class SuggestOptionsStartupTests
{
    [Theory]
    [InlineData("QueryRec:Trending:MinDistinctUsers", "0", "MinDistinctUsers")]
    [InlineData("QueryRec:Trending:MaxPerRequest", "0", "MaxPerRequest")]
    [InlineData("QueryRec:Trending:RefreshInterval", "00:00:00.001", "RefreshInterval")]
    [InlineData("QueryRec:Ranking:Heuristic:HistoryWeight", "-1", "HistoryWeight")]
    [InlineData("QueryRec:Ranking:Heuristic:TrendingCap", "2", "TrendingCap")]
    [InlineData("QueryRec:Suggest:HistoryMax", "5000", "HistoryMax")]
    [InlineData("QueryRec:Rerank:Blacklist:0", "re:(", "Blacklist")]
    public void Startup_BadSuggestOption_FailsWithClearMessage(string key, string value, string named)
    {
        var output = ApiProcess.StartupFailure(new Dictionary<string, string?> { ["QueryRec:Store:IndexPath"] = "", [key] = value });

        Assert.Contains(named, output, StringComparison.Ordinal);
    }
}
