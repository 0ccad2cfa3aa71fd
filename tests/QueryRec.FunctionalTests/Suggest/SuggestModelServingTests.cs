using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Ranking;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>The learned ranker served through the real host and gRPC channel: load, refuse bad files, swap, pick up late.</summary>
public sealed class SuggestModelServingTests : IDisposable
{
    private static readonly Dictionary<string, long> Counts = SuggestEmbeddedTests.Counts;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-model-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Trains a real model with the indexer's trainer into its own directory; returns the ONNX path and card version.</summary>
    private (string Onnx, string Version) Train(string name, int seed)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir.FullName, name)).FullName;
        var onnx = Path.Combine(dir, "model.onnx");
        var card = RankerTrainer.Train(
            LtrDataset.Synthetic(300, seed), new RankerTrainerOptions { Iterations = 30, Seed = seed }, onnx, DateTimeOffset.UtcNow);
        return (onnx, card.ModelVersion!);
    }

    /// <summary>Puts a trained model at <paramref name="target"/>: the card first, then the ONNX file by an atomic rename.</summary>
    private static void Install(string trained, string target)
    {
        File.Copy(RankerTrainer.CardPath(trained), RankerTrainer.CardPath(target), overwrite: true);
        var staging = target + ".tmp";
        File.Copy(trained, staging, overwrite: true);
        File.Move(staging, target, overwrite: true);
    }

    private static QueryRecFactory Host(string modelPath)
    {
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-model-1", Counts));
        return new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = index,
            ["QueryRec:Ranking:Model:Path"] = modelPath,
            // These calls carry no real-time signal: the model must still rank them (this test is about the model, not the
            // learned ranker's cold-start guard).
            ["QueryRec:Ranking:Model:HeuristicWithoutSignal"] = "false",
            ["QueryRec:Ranking:Model:PollInterval"] = "00:00:00.100",
        });
    }

    private static Task WaitUntil(Func<bool> condition, string what) => Polling.UntilAsync(condition, what, Deadline);

    private static Task<SuggestResponse> WaitForModel(QueryRecService.QueryRecServiceClient client, string version)
        => Polling.ForModelAsync(client, version, Deadline);

    /// <summary>Scores the prefix-table candidates of "ge" as the schema defines them, with ONNX Runtime directly.</summary>
    private static Dictionary<string, float> ExpectedScores(string onnx, IEnumerable<string> texts)
    {
        var list = texts.ToList();
        var nodeMax = Counts.Where(c => c.Key.StartsWith("ge", StringComparison.Ordinal)).Max(c => c.Value);
        var tensor = new DenseTensor<float>([list.Count, FeatureSchema.Count]);
        for (var i = 0; i < list.Count; i++)
        {
            var vector = FeatureSchema.ToVector(new RankingFeatureValues
            {
                DecayedPopularity = Counts[list[i]],
                NodeMaxPopularity = nodeMax,
                MatchType = RankingMatchType.Prefix,
                PrefixLength = 2,
                CandidateLength = list[i].Length,
            });
            for (var j = 0; j < vector.Length; j++)
            {
                tensor[i, j] = vector[j];
            }
        }

        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", tensor)]);
        var scores = results.Single(r => r.Name == "Score.output").AsEnumerable<float>().ToArray();
        return list.Select((t, i) => (t, scores[i])).ToDictionary(p => p.t, p => p.Item2, StringComparer.Ordinal);
    }

    private sealed class NarrowRow
    {
        [VectorType(5)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class NarrowFeatures
    {
        [VectorType(5)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>A valid ONNX model whose input is float [N, 5]: a real ML.NET regression exported like the ranker.</summary>
    internal static byte[] WrongWidthModel()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new NarrowRow { Features = [i, i % 3, 1, 2, i % 5], Label = i }));
        var model = ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 5).Fit(data);

        // Exported over a features-only view, as the trainer does, so the one input is Features [N, 5] (exporting
        // over the training view would add a Label input and be refused for that instead of its width).
        var featuresOnly = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 2).Select(i => new NarrowFeatures { Features = [i, 0, 1, 2, 3] }));
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, featuresOnly, stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task Serve_TrainedModel_ScoresWithItThenKeepsItWhenGarbageOrAWrongShapeReplacesIt_ThenSwapsToANewOne()
    {
        var target = Path.Combine(_dir.FullName, "model.onnx");
        var (first, firstVersion) = Train("first", seed: 1);
        Install(first, target);
        using var factory = Host(target);
        var client = factory.CreateClient(factory.CreateChannel());
        using var refused = HostCounter.RefusedModels(factory);

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });

        Assert.Equal(firstVersion, response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
        var prefixOnly = response.Items.Where(i => i.Sources.SequenceEqual([Source.Prefix])).ToList();
        Assert.NotEmpty(prefixOnly);
        var expected = ExpectedScores(first, prefixOnly.Select(i => i.Text));
        Assert.All(prefixOnly, i => Assert.Equal(expected[i.Text], i.Score, 5));

        // Garbage bytes: refused, counted, the first model keeps serving and the answer is not degraded.
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        File.WriteAllBytes(target, garbage);
        await WaitUntil(() => refused.Count >= 1, "the garbage file to be refused");
        response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
        Assert.Equal(firstVersion, response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded);
        Assert.All(prefixOnly, i => Assert.Equal(expected[i.Text], response.Items.Single(r => r.Text == i.Text).Score, 5));

        // A valid ONNX model of another input width: refused too.
        var staging = target + ".tmp";
        File.WriteAllBytes(staging, WrongWidthModel());
        File.Move(staging, target, overwrite: true);
        await WaitUntil(() => refused.Count >= 2, "the wrong-width model to be refused");
        response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
        Assert.Equal(firstVersion, response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded);

        // A new valid model is swapped in.
        var (second, secondVersion) = Train("second", seed: 2);
        Assert.NotEqual(firstVersion, secondVersion);
        Install(second, target);
        response = await WaitForModel(client, secondVersion);
        Assert.False(response.Metadata.Degraded);

        // Install copies the card before the model, so one poll may see the new card beside the wrong-width file
        // and refuse that file once more; the new model itself is never refused.
        Assert.InRange(refused.Count, 2, 3);
    }

    [Fact]
    public async Task Serve_ConfiguredModelMissingAtStart_HeuristicDegradedUntilTheFileAppears()
    {
        var target = Path.Combine(_dir.FullName, "late", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var factory = Host(target);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });

        Assert.Equal(HeuristicScorer.ModelVersion, response.Metadata.ModelVersion);
        Assert.True(response.Metadata.Degraded);
        Assert.Contains("model_unavailable", response.Metadata.DegradedReasons);
        Assert.All(response.Items.Where(i => i.Sources.SequenceEqual([Source.Prefix])), i => Assert.Equal(Counts[i.Text], i.Score));

        var (trained, version) = Train("late-model", seed: 5);
        Install(trained, target);
        response = await WaitForModel(client, version);

        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
        Assert.NotEmpty(response.Items);
    }

    [Fact]
    public async Task Serve_NoModelConfigured_HeuristicIsNotDegraded()
    {
        using var factory = Host(string.Empty);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });

        Assert.Equal(HeuristicScorer.ModelVersion, response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded);
        Assert.NotEmpty(response.Items);
    }
}
