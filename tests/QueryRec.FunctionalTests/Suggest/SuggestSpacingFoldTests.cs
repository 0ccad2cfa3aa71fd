using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// Queries that differ only by the spacing between letters are one item when the log shows the same clicks for both
/// (issue 28), through the real pipeline: a build from events, the embedded store, a gRPC channel.
/// </summary>
public sealed class SuggestSpacingFoldTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly QueryRecFactory _factory;
    private readonly QueryRecService.QueryRecServiceClient _client;

    public SuggestSpacingFoldTests()
    {
        _factory = QueryRecFactory.Embedded(QueryRecFactory.WriteTempIndex(Build()));
        _client = _factory.CreateClient(_factory.CreateChannel());
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>Each pair: the more searched form, how often, the other form, how often, and their click categories.</summary>
    private static IndexBuild Build()
    {
        var events = new List<LogEvent>();
        var user = 0;
        void Searched(string query, int users, string? category)
        {
            for (var i = 0; i < users; i++)
            {
                var who = "u" + user++;
                var at = T0.AddHours(user);
                events.Add(new LogEvent(LogEventType.Search, who, query, at));
                if (category is not null)
                {
                    events.Add(new LogEvent(LogEventType.Click, who, query, at.AddSeconds(5), "sku-" + category, category));
                }
            }
        }

        Searched("smartwatch", 6, "wearables");
        Searched("smart watch", 4, "wearables");
        Searched("xbox 360", 6, "consoles");
        Searched("x box 360", 3, "consoles");
        Searched("ace combat", 5, "games");
        Searched("acecombat", 3, "games");
        Searched("battlefield bad company 2", 5, "games");
        Searched("battle field bad company 2", 3, "games");
        Searched("pendrive", 5, "storage");
        Searched("pen drive", 4, "storage");

        // The guard: the same letters, other clicks; and no clicks at all.
        Searched("carpet", 5, "flooring");
        Searched("car pet", 3, "pets");
        Searched("headphone", 5, null);
        Searched("head phone", 3, null);
        return IndexBuilder.Build(events, new BuildOptions { Version = "spacing-v1" }, TimeProvider.System).Build;
    }

    [Theory]
    [InlineData("sma", "smartwatch")]
    [InlineData("x", "xbox 360")]
    [InlineData("ace", "ace combat")]
    [InlineData("battle", "battlefield bad company 2")]
    [InlineData("pen", "pendrive")]
    public async Task Suggest_SpacingVariantsWithTheSameClicks_ShowOneItemWithTheMoreSearchedForm(string prefix, string shown)
    {
        var response = await _client.SuggestAsync(new SuggestRequest { Prefix = prefix });

        var item = Assert.Single(response.Items, i => Spaceless(i.Text) == Spaceless(shown));
        Assert.Equal(shown, item.Text);
        Assert.Equal(1, item.CollapsedVariants);
    }

    [Theory]
    [InlineData("car", "carpet", "car pet")]
    [InlineData("head", "headphone", "head phone")]
    public async Task Suggest_SpacingVariantsWithOtherOrNoClicks_StayApart(string prefix, string first, string second)
    {
        var response = await _client.SuggestAsync(new SuggestRequest { Prefix = prefix });

        var texts = response.Items.Select(i => i.Text).ToList();
        Assert.Contains(first, texts);
        Assert.Contains(second, texts);
        Assert.All(response.Items, i => Assert.Equal(0, i.CollapsedVariants));
    }

    [Fact]
    public async Task DiscoverHotAndShadingWords_SpacingVariantsWithTheSameClicks_ShowOneForm()
    {
        var discover = await _client.DiscoverAsync(new DiscoverRequest { Stage = Stage.BeforeSearch, Limit = 20 });
        var shading = await _client.GetShadingWordsAsync(new GetShadingWordsRequest { Limit = 20 });

        var hot = discover.Sections.Single(s => s.Kind == SectionKind.Hot).Items.Select(i => i.Text).ToList();
        Assert.Contains("smartwatch", hot);
        Assert.DoesNotContain("smart watch", hot);
        Assert.Contains("car pet", hot);
        var words = shading.Items.Select(i => i.Text).ToList();
        Assert.Contains("xbox 360", words);
        Assert.DoesNotContain("x box 360", words);
        Assert.Equal(words.Count, words.Select(Spaceless).Distinct().Count() + (words.Contains("carpet") && words.Contains("car pet") ? 1 : 0) + (words.Contains("headphone") && words.Contains("head phone") ? 1 : 0));
    }

    private static string Spaceless(string text) => text.Replace(" ", string.Empty, StringComparison.Ordinal);
}
