using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Ranking;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Ranking;

public sealed class RankerTrainingTests : IDisposable
{
    private const int Groups = 300;
    private const int Seed = 42;
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 15, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, error, new FixedTimeProvider(Now));
        return (code, output.ToString(), error.ToString());
    }

    private async Task<(string Onnx, JsonElement Card)> TrainSynthetic(string name, int seed = Seed)
    {
        var onnx = _dir.File(name);
        var (code, _, err) = await Run("train", "--synthetic", Groups.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", onnx, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--iterations", "50");
        Assert.True(code == 0, err);
        using var card = JsonDocument.Parse(File.ReadAllText(RankerTrainer.CardPath(onnx)));
        return (onnx, card.RootElement.Clone());
    }

    [Fact]
    public async Task Train_Synthetic_OnnxRuntimeScoresMatchMlNetTransformForEveryRow()
    {
        var (onnx, card) = await TrainSynthetic("model.onnx");
        var rows = LtrDataset.Synthetic(Groups, Seed);

        // ML.NET's own scores, from the model saved in ML.NET's format.
        var ml = new MLContext(1);
        var model = ml.Model.Load(RankerTrainer.MlNetPath(onnx), out _);
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureSchema.Count);
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new FeatureRow { Features = r.Features }), schema);
        var expected = model.Transform(view).GetColumn<float>("Score").ToArray();

        // ONNX Runtime, one batch of every row.
        using var session = new InferenceSession(onnx);
        Assert.Equal(card.GetProperty("onnx_input").GetString(), session.InputMetadata.Single().Key);
        Assert.Equal(FeatureSchema.Count, session.InputMetadata.Single().Value.Dimensions[^1]);
        var actual = RankerTrainer.ScoreWithOnnx(session, card.GetProperty("onnx_input").GetString()!, card.GetProperty("onnx_output").GetString()!, [.. rows.Select(r => r.Features)]);

        Assert.Equal(rows.Count, expected.Length);
        Assert.Equal(rows.Count, actual.Length);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4, $"row {i}: ML.NET {expected[i]}, ONNX {actual[i]}");
        }

        // The model is not constant: it separates candidates.
        Assert.True(actual.Distinct().Count() > 50);
    }

    [Fact]
    public async Task Train_Synthetic_CardDescribesSchemaCountsAndHeldOutMetrics()
    {
        var (onnx, card) = await TrainSynthetic("m.onnx");

        Assert.Equal("features-v2", card.GetProperty("schema_version").GetString());
        Assert.Equal(FeatureSchema.Names, card.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(Groups * 8, card.GetProperty("rows").GetInt32());
        Assert.Equal(Groups, card.GetProperty("groups").GetInt32());
        Assert.Equal(Groups / 5, card.GetProperty("test_groups").GetInt32());
        Assert.Equal(Groups - (Groups / 5), card.GetProperty("train_groups").GetInt32());
        Assert.Equal(Groups * 8, card.GetProperty("train_rows").GetInt32() + card.GetProperty("test_rows").GetInt32());
        Assert.Equal(new FileInfo(onnx).Length, card.GetProperty("model_bytes").GetInt64());
        Assert.Equal("m.onnx", card.GetProperty("onnx_file").GetString());
        Assert.StartsWith("rank-20261129101500-", card.GetProperty("model_version").GetString(), StringComparison.Ordinal);

        // NDCG on the held-out groups, recomputed independently from the ONNX scores (gain 2^label - 1, log2 discount).
        var rows = LtrDataset.Synthetic(Groups, Seed);
        var heldOut = RankerTrainer.HoldOut([.. rows.Select(r => r.Group).Distinct()], 0.2, Seed);
        using var session = new InferenceSession(onnx);
        var test = rows.Where(r => heldOut.Contains(r.Group)).ToList();
        var scores = RankerTrainer.ScoreWithOnnx(session, "Features", card.GetProperty("onnx_output").GetString()!, [.. test.Select(r => r.Features)]);
        var metrics = card.GetProperty("metrics");
        foreach (var k in new[] { 1, 3, 10 })
        {
            var ours = test.Select((r, i) => (r.Group, r.Label, Score: scores[i]))
                .GroupBy(x => x.Group)
                .Average(g => Ndcg([.. g.OrderByDescending(x => x.Score).Select(x => x.Label)], k));
            var reported = metrics.GetProperty($"ndcg_at_{k}").GetDouble();
            Assert.True(Math.Abs(ours - reported) < 0.01, $"NDCG@{k}: card {reported}, recomputed {ours}");
        }

        // Better than ranking by one feature alone (popularity_rel): the model learned more than popularity.
        var popularity = test.GroupBy(r => r.Group).Average(g => Ndcg([.. g.OrderByDescending(r => r.Features[1]).Select(r => r.Label)], 3));
        Assert.True(metrics.GetProperty("ndcg_at_3").GetDouble() > popularity, $"NDCG@3 {metrics.GetProperty("ndcg_at_3").GetDouble()} vs popularity only {popularity}");
    }

    [Fact]
    public async Task Train_SameDataAndSeed_SameMetricsAndModelBytes()
    {
        var (a, cardA) = await TrainSynthetic("a.onnx");
        var (b, cardB) = await TrainSynthetic("b.onnx");
        var (_, cardC) = await TrainSynthetic("c.onnx", seed: 7);

        Assert.Equal(cardA.GetProperty("metrics").GetRawText(), cardB.GetProperty("metrics").GetRawText());
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(cardA.GetProperty("model_version").GetString(), cardB.GetProperty("model_version").GetString());
        Assert.NotEqual(cardA.GetProperty("model_version").GetString(), cardC.GetProperty("model_version").GetString());
    }

    [Fact]
    public async Task Train_TsvInput_TrainsOnTheFileRows()
    {
        var input = _dir.File("rows.tsv");
        using (var writer = new StreamWriter(input))
        {
            LtrDataset.Write(writer, LtrDataset.Synthetic(50, 3));
        }

        var (code, stdout, err) = await Run("train", "--input", input, "--output", _dir.File("t.onnx"), "--iterations", "10");

        Assert.True(code == 0, err);
        Assert.Contains("400 / 50", stdout, StringComparison.Ordinal);
        using var card = JsonDocument.Parse(File.ReadAllText(_dir.File("t.card.json")));
        Assert.Equal(400, card.RootElement.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Train_HeaderMismatch_UserErrorWithLineNumber()
    {
        var names = FeatureSchema.Names.ToArray();
        (names[2], names[3]) = (names[3], names[2]);
        var input = _dir.WriteLines("bad.tsv", "group\tlabel\t" + string.Join('\t', names), "0\t1\t" + string.Join('\t', Enumerable.Repeat("0", names.Length)));

        var (code, _, err) = await Run("train", "--input", input, "--output", _dir.File("x.onnx"));

        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("line 1", err, StringComparison.Ordinal);
        Assert.Contains("column 5 is 'cvr', expected 'ctr'", err, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("x.onnx")));
    }

    [Theory]
    [InlineData("--synthetic", "10", "--input", "x.tsv")]
    [InlineData("--iterations", "5")]
    [InlineData("--synthetic", "1")]
    [InlineData("--discovery", "--synthetic", "10")]
    [InlineData("--discovery", "--events", "e.jsonl", "--until", "2011-10-01T00:00:00Z", "--rows-output", "r.tsv")]
    [InlineData("--discovery", "--events", "e.jsonl", "--until", "2011-10-01T00:00:00Z", "--states", "cold")]
    public async Task Train_BadOptions_UserError(params string[] extra)
    {
        var (code, _, err) = await Run(["train", "--output", _dir.File("y.onnx"), .. extra]);

        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.StartsWith("error:", err, StringComparison.Ordinal);
    }

    private static double Ndcg(float[] labelsInRankOrder, int k)
    {
        static double Dcg(IEnumerable<float> labels, int k) => labels.Take(k).Select((l, i) => (Math.Pow(2, l) - 1) / Math.Log2(i + 2)).Sum();
        var ideal = Dcg(labelsInRankOrder.OrderByDescending(l => l), k);
        return ideal == 0 ? 1 : Dcg(labelsInRankOrder, k) / ideal;
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
