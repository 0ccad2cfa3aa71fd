using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Ranking;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>
/// The Discover ranker through a real channel on the browse test index: RELATED of "airpods" holds a co-clicked, a
/// word-sharing and a category-hot query. The heuristic puts the word-sharing one first (weights 0.1 / 0.1 / 0.01 of
/// scaled scores 0.1 / 1 / 1); a model our trainer fitted on rows where the category-hot candidate is always the next
/// query puts "tv stand" first. A missing or refused model leaves the heuristic's answer, flagged degraded.
/// </summary>
public sealed class DiscoveryRankerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-discovery-ranker-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Groups of 4 candidates, one per RELATED source with a random scaled score; the category-hot one is the next query.</summary>
    private static List<LtrRow> CategoryHotWinsRows(int groups)
    {
        var random = new Random(3);
        var at = DiscoveryFeatureSchema.Names.ToList();
        string[] sources = ["q2q_score", "co_click_score", "shared_words_score", "category_hot_score"];
        var rows = new List<LtrRow>();
        for (var g = 0u; g < groups; g++)
        {
            foreach (var source in sources)
            {
                var features = new float[DiscoveryFeatureSchema.Count];
                features[at.IndexOf(source)] = 0.05f + (0.95f * random.NextSingle());
                features[at.IndexOf("heuristic_score")] = random.NextSingle();
                features[at.IndexOf("position_inv")] = 1f / (1 + random.Next(20));
                rows.Add(new LtrRow(g, source == "category_hot_score" ? 1 : 0, features));
            }
        }

        return rows;
    }

    private (string Path, ModelCard Card) TrainDiscoveryModel()
    {
        var path = PathOf("discovery.onnx");
        var card = RankerTrainer.Train(
            CategoryHotWinsRows(300),
            new RankerTrainerOptions { Iterations = 20, MinRowsPerLeaf = 20, Schema = DiscoveryFeatureSchema.Schema },
            path,
            DateTimeOffset.UtcNow);
        return (path, card);
    }

    private static async Task<DiscoverResponse> RelatedOfAirpodsAsync(string? modelPath)
    {
        var host = new EmbeddedBrowseHost
        {
            ExtraSettings = modelPath is null ? [] : new() { ["QueryRec:Ranking:Discovery:ModelPath"] = modelPath },
        };
        await host.InitializeAsync();
        try
        {
            return await host.Client.DiscoverAsync(new DiscoverRequest
            {
                Stage = Stage.Browsing,
                Scene = Scene.SearchResult,
                Context = new PageContext { Query = "airpods" },
                Sections = { SectionKind.Related },
            });
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static List<string> Texts(DiscoverResponse response) => [.. Assert.Single(response.Sections).Items.Select(static i => i.Text)];

    [Fact]
    public void Train_DiscoverySchema_CardNamesItAndOnlyTheDiscoverySchemaLoadsIt()
    {
        var (path, card) = TrainDiscoveryModel();

        Assert.Equal(DiscoveryFeatureSchema.Version, card.SchemaVersion);
        Assert.Equal(DiscoveryFeatureSchema.Names, card.FeatureNames);
        var model = RankingModel.Load(path, DiscoveryFeatureSchema.Schema);
        model.Release();
        var refused = Assert.Throws<InvalidDataException>(() => RankingModel.Load(path));
        Assert.Contains(FeatureSchema.Version, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_WithTheTrainedModel_RanksByItAndReportsItsVersion()
    {
        var (path, card) = TrainDiscoveryModel();

        var heuristic = await RelatedOfAirpodsAsync(null);
        var learned = await RelatedOfAirpodsAsync(path);

        Assert.Equal("hdmi cable", Texts(heuristic)[0]);
        Assert.Equal(HeuristicScorer.ModelVersion, heuristic.Metadata.ModelVersion);
        Assert.Equal("tv stand", Texts(learned)[0]);
        Assert.Equal(card.ModelVersion, learned.Metadata.ModelVersion);
        Assert.False(learned.Metadata.Degraded);
        Assert.Equal(Texts(heuristic).Order(StringComparer.Ordinal), Texts(learned).Order(StringComparer.Ordinal)); // reordered, same candidates
        var scores = learned.Sections[0].Items.Select(static i => i.Score).ToList();
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.Equal(scores.OrderByDescending(static s => s), scores);
    }

    [Fact]
    public async Task Discover_ModelFileMissing_HeuristicAnswerFlaggedDegraded()
    {
        var heuristic = await RelatedOfAirpodsAsync(null);

        var response = await RelatedOfAirpodsAsync(PathOf("missing.onnx"));

        Assert.True(response.Metadata.Degraded);
        Assert.Contains("discovery_model_unavailable", response.Metadata.DegradedReasons);
        Assert.Equal(HeuristicScorer.ModelVersion, response.Metadata.ModelVersion);
        Assert.Equal(Texts(heuristic), Texts(response));
    }

    [Fact]
    public async Task Discover_SuggestModelAtTheDiscoveryPath_RefusedHeuristicAnswerFlaggedDegraded()
    {
        var suggestModel = PathOf("suggest.onnx");
        RankerTrainer.Train(LtrDataset.Synthetic(60, 7), new RankerTrainerOptions { Iterations = 10 }, suggestModel, DateTimeOffset.UtcNow);
        var heuristic = await RelatedOfAirpodsAsync(null);

        var response = await RelatedOfAirpodsAsync(suggestModel);

        Assert.Contains("discovery_model_unavailable", response.Metadata.DegradedReasons);
        Assert.Equal(Texts(heuristic), Texts(response));
    }
}
