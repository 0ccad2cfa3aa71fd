using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Replay;
using QueryRec.Serving.Ranking;

using static QueryRec.FunctionalTests.Replay.IndexerRun;

namespace QueryRec.FunctionalTests.Ranking;

/// <summary>
/// <c>indexer train --discovery</c> on a small simulated log: groups from next-query cases replayed through the service,
/// a model whose card names the Discover schema, and, served in process, RELATED scores that are the model's scores of
/// the very rows the feature log recorded (no train/serve skew). Run alone, as the other training replays.
/// </summary>
[Collection(TrainFromEventsCollection.Name)]
public sealed class TrainDiscoveryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-train-discovery-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private sealed class RecordingLog : IDiscoveryFeatureLog
    {
        public List<DiscoveryFeatureRecord> Records { get; } = [];

        public void Record(DiscoveryFeatureRecord record)
        {
            lock (Records)
            {
                Records.Add(record);
            }
        }
    }

    [Fact]
    public async Task TrainDiscovery_SimulatedLog_ModelForTheDiscoverySchemaServedWithoutSkew()
    {
        var events = PathOf("sim.jsonl");
        var (code, output) = await RunAsync("simulate", "--output", events, "--users", "300", "--days", "6", "--start", "2026-11-01");
        Assert.True(code == 0, output);
        var model = PathOf("discovery.onnx");

        (code, output) = await RunAsync(
            "train", "--discovery", "--events", events, "--from", "2026-11-04T00:00:00Z", "--until", "2026-11-06T00:00:00Z",
            "--iterations", "20", "--min-rows-per-leaf", "20", "--output", model);

        Assert.True(code == 0, output);
        Assert.Contains("discovery-features-v1 (14 features)", output, StringComparison.Ordinal);
        using (var card = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(model, ".card.json"))))
        {
            Assert.Equal(DiscoveryFeatureSchema.Version, card.RootElement.GetProperty("schema_version").GetString());
            Assert.True(card.RootElement.GetProperty("groups").GetInt32() >= 10, output);
        }

        var index = PathOf("index.qrx");
        (code, output) = await RunAsync("build", "--input", events, "--output", index);
        Assert.True(code == 0, output);
        var log = new RecordingLog();
        await using var service = await InProcessPipeline.StartAsync(
            new InProcessPipelineOptions(index)
            {
                // MMR off: the shown order is then the model's alone.
                Settings = new Dictionary<string, string?> { ["QueryRec:Ranking:Discovery:ModelPath"] = model, ["QueryRec:Strategies:MmrLambda"] = "1" },
                ConfigureServices = services => services.AddSingleton<IDiscoveryFeatureLog>(log),
            },
            CancellationToken.None);
        var related = await FirstLongRelatedAsync(service, events);

        var record = Assert.Single(log.Records, r => r.RequestId == related.Response.Metadata.RequestId);
        using var session = new InferenceSession(model);
        var width = DiscoveryFeatureSchema.Count;
        var input = new DenseTensor<float>(record.Candidates.SelectMany(static c => c.Features).ToArray(), [record.Candidates.Count, width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        var onnx = results.First(static r => r.Name.StartsWith("Score", StringComparison.Ordinal)).AsEnumerable<float>().ToArray();
        var expected = record.Candidates.Select((c, i) => (c.Text, Score: 1 / (1 + Math.Exp(-onnx[i])))).ToDictionary(static p => p.Text, static p => p.Score);
        Assert.NotEqual(HeuristicScorer.ModelVersion, related.Response.Metadata.ModelVersion);
        Assert.All(related.Section.Items, item => Assert.Equal(expected[item.Text], item.Score, 5));
        var scores = related.Section.Items.Select(static i => i.Score).ToList();
        Assert.Equal(scores.OrderByDescending(static s => s), scores);
    }

    /// <summary>The first RELATED answer with at least 3 items for a query of the log (as a page of that query would ask).</summary>
    private static async Task<(DiscoverResponse Response, Section Section)> FirstLongRelatedAsync(InProcessPipeline service, string events)
    {
        var queries = File.ReadLines(events)
            .Select(static l => JsonDocument.Parse(l).RootElement)
            .Where(static e => e.GetProperty("type").GetString() == "search")
            .Select(static e => e.GetProperty("query").GetString()!)
            .Distinct(StringComparer.Ordinal)
            .Take(200);
        foreach (var query in queries)
        {
            var response = await service.DiscoverAsync(new DiscoverRequest
            {
                Stage = Stage.Browsing,
                Context = new PageContext { Query = query },
                Sections = { SectionKind.Related },
            }, CancellationToken.None);
            if (response.Sections[0].Items.Count >= 3)
            {
                return (response, response.Sections[0]);
            }
        }

        throw new InvalidOperationException("no query of the log has 3 related queries.");
    }
}
