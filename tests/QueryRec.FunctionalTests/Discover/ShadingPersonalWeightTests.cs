using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>
/// Shading words put the caller's own words (q2q of their searches) above hot words by
/// <c>QueryRec:Strategies:ShadingPersonalWeight</c>. Rotation and MMR are switched off to see the ranking itself.
/// </summary>
public sealed class ShadingPersonalWeightTests
{
    // q2q of "iphone 15" in the test index, after the self-loop and the zero-result query are dropped.
    private static readonly string[] Personal = ["iphone 15 case", "iphone 15 pro", "airpods"];

    private static async Task<List<string>> WordsAfterSearchingIphone15Async(string weight)
    {
        var host = new EmbeddedBrowseHost
        {
            ExtraSettings = new()
            {
                ["QueryRec:Strategies:ShadingPersonalWeight"] = weight,
                ["QueryRec:Strategies:RotationPoolFactor"] = "1",
                ["QueryRec:Strategies:MmrLambda"] = "1",
            },
        };
        await host.InitializeAsync();
        try
        {
            await host.ReportAsync(EventType.SearchSubmitted, "weight-user", query: "iphone 15");
            var response = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { UserId = "weight-user", Limit = 3 });
            return response.Items.Select(static i => i.Text).ToList();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetShadingWords_HighPersonalWeight_PutsTheUsersWordsAboveHotWords()
    {
        var words = await WordsAfterSearchingIphone15Async("10");

        Assert.Equal(Personal.Order(StringComparer.Ordinal), words.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetShadingWords_PersonalWeightOne_MixesHotWordsIn()
    {
        var words = await WordsAfterSearchingIphone15Async("1");

        Assert.Contains("iphone 15 case", words); // the best personal word still ties with the best hot word
        Assert.Contains(words, w => !Personal.Contains(w));
    }
}
