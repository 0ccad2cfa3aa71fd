using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Trainers.LightGbm;
using QueryRec.Core.Ranking;
using QueryRec.Serving.Ranking;

namespace QueryRec.Indexer.Ranking;

/// <summary>Options of <see cref="RankerTrainer"/>.</summary>
/// <remarks>
/// The defaults are small, slow-learning trees with large leaves: the features that separate candidates beyond the
/// heuristic's weights are sparse (most users search once), and deeper trees fitted those few rows. Measured in
/// docs/ranking.md ("The learned ranker in every state"): on Best Buy and on the demo log, 8 leaves with at least 100
/// rows each is at or above the heuristic in every state, where 16 leaves of 10 rows fell below it in some; the
/// number of trees (the cost of a call) is unchanged.
/// </remarks>
internal sealed class RankerTrainerOptions
{
    /// <summary>Boosting iterations (trees).</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 8;

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Minimum rows per leaf.</summary>
    public int MinRowsPerLeaf { get; init; } = 100;

    /// <summary>Seed of the split and the trainer: same data and seed, same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Share of groups held out for the metrics.</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>
    /// Hold out the last groups (in file order) instead of a seeded random share: for groups from a replay, which
    /// are in time order, this tests on the future and keeps the prefixes of one search on one side.
    /// </summary>
    public bool HoldoutTail { get; init; }

    /// <summary>Features set to 0 in every row before training (ablation: a model that cannot use them).</summary>
    public IReadOnlyList<string> IgnoredFeatures { get; init; } = [];

    /// <summary>The feature schema of the rows: Suggest's, or Discover's for <c>train --discovery</c>.</summary>
    public RankingSchema Schema { get; init; } = FeatureSchema.Schema;
}

/// <summary>
/// Trains a LambdaRank model (LightGBM through ML.NET) on learning-to-rank rows, evaluates it on held-out groups,
/// exports it to ONNX, checks the ONNX scores against ML.NET's and writes the model card.
/// </summary>
internal static class RankerTrainer
{
    /// <summary>The largest tolerated |ONNX − ML.NET| score difference at export.</summary>
    public const double OnnxTolerance = 1e-4;

    private const string FeaturesColumn = "Features";
    private const string ScoreColumn = "Score";

    /// <summary>Trains, exports <paramref name="onnxPath"/> and writes the card next to it (<c>name.card.json</c>).</summary>
    public static ModelCard Train(IReadOnlyList<LtrRow> rows, RankerTrainerOptions options, string onnxPath, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var groups = rows.Select(r => r.Group).Distinct().ToList();
        if (groups.Count < 2)
        {
            throw new InvalidDataException($"training needs at least 2 groups, got {groups.Count}.");
        }

        var schema = options.Schema;
        if (rows.FirstOrDefault(r => r.Features.Length != schema.Count) is { } wrong)
        {
            throw new InvalidDataException($"a row of group {wrong.Group} has {wrong.Features.Length} features; schema {schema.Version} has {schema.Count}.");
        }

        rows = Ignore(rows, options.IgnoredFeatures, schema);
        var testGroups = options.HoldoutTail ? HoldOutTail(groups, options.HoldoutFraction) : HoldOut(groups, options.HoldoutFraction, options.Seed);
        var train = rows.Where(r => !testGroups.Contains(r.Group)).ToList();
        var test = rows.Where(r => testGroups.Contains(r.Group)).ToList();

        var ml = new MLContext(options.Seed);
        var stopwatch = Stopwatch.StartNew();
        var trainView = Load(ml, train, schema.Count);
        // Group ids become keys over every group: fitted on the training rows only, held-out groups would all map
        // to the missing key and the evaluator would see one group (NDCG 1). The mapping is not part of the model.
        var keys = ml.Transforms.Conversion.MapValueToKey("GroupKey", nameof(Row.Group)).Fit(Load(ml, rows, schema.Count));
        var trainer = ml.Ranking.Trainers.LightGbm(new LightGbmRankingTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = FeaturesColumn,
            RowGroupColumnName = "GroupKey",
            NumberOfIterations = options.Iterations,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinRowsPerLeaf,
            NumberOfThreads = 1,
            Seed = options.Seed,
            Silent = true,
        });
        var model = trainer.Fit(keys.Transform(trainView));
        stopwatch.Stop();

        var testView = keys.Transform(Load(ml, test, schema.Count));
        var scored = model.Transform(testView);
        var metrics = ml.Ranking.Evaluate(scored, nameof(Row.Label), "GroupKey", ScoreColumn);
        var ndcg = metrics.NormalizedDiscountedCumulativeGains;

        var full = Path.GetFullPath(onnxPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var exportView = FeaturesOnly(ml, test, schema.Count);
        using (var stream = File.Create(full))
        {
            ml.Model.ConvertToOnnx(model, exportView, stream);
        }

        ml.Model.Save(model, exportView.Schema, MlNetPath(full));

        var expected = scored.GetColumn<float>(ScoreColumn).ToArray();
        var (input, output, maxDiff) = CheckOnnx(full, test, expected);
        if (maxDiff > OnnxTolerance)
        {
            throw new InvalidOperationException($"the ONNX export scores differ from ML.NET's by {maxDiff} (> {OnnxTolerance}).");
        }

        var bytes = File.ReadAllBytes(full);
        var card = new ModelCard
        {
            SchemaVersion = schema.Version,
            FeatureNames = schema.Names,
            ModelVersion = $"rank-{now.UtcDateTime:yyyyMMddHHmmss}-{Convert.ToHexStringLower(SHA256.HashData(bytes))[..8]}",
            Trainer = "lightgbm-lambdarank",
            CreatedUtc = now.ToUniversalTime(),
            Seed = options.Seed,
            Rows = rows.Count,
            Groups = groups.Count,
            TrainRows = train.Count,
            TrainGroups = groups.Count - testGroups.Count,
            TestRows = test.Count,
            TestGroups = testGroups.Count,
            Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["ndcg_at_1"] = ndcg[0],
                ["ndcg_at_3"] = ndcg[2],
                ["ndcg_at_10"] = ndcg[9],
                ["mrr_at_10"] = ServedMrr(test, expected, schema),
                ["input_order_mrr_at_10"] = ServedMrr(test, null, schema),
            },
            OnnxFile = Path.GetFileName(full),
            MlNetFile = Path.GetFileName(MlNetPath(full)),
            OnnxInput = input,
            OnnxOutput = output,
            OnnxMaxAbsDiff = maxDiff,
            TrainSeconds = stopwatch.Elapsed.TotalSeconds,
            ModelBytes = bytes.LongLength,
        };
        File.WriteAllText(CardPath(full), card.ToJson());
        return card;
    }

    /// <summary>The card path for an ONNX path: <c>model.onnx</c> → <c>model.card.json</c>.</summary>
    public static string CardPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".card.json");

    /// <summary>The ML.NET model path for an ONNX path: <c>model.onnx</c> → <c>model.mlnet.zip</c>.</summary>
    public static string MlNetPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".mlnet.zip");

    /// <summary>Scores feature vectors as one [N, feature count] batch through an ONNX Runtime session.</summary>
    internal static float[] ScoreWithOnnx(InferenceSession session, string input, string output, IReadOnlyList<float[]> features)
    {
        var width = features.Count == 0 ? 0 : features[0].Length;
        var tensor = new DenseTensor<float>([features.Count, width]);
        for (var i = 0; i < features.Count; i++)
        {
            for (var j = 0; j < width; j++)
            {
                tensor[i, j] = features[i][j];
            }
        }

        using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)], [output]);
        return [.. results[0].AsEnumerable<float>()];
    }

    /// <summary>The last <paramref name="fraction"/> of the groups in their order (at least one, not all).</summary>
    internal static HashSet<uint> HoldOutTail(IReadOnlyList<uint> groups, double fraction)
    {
        var count = Math.Clamp((int)Math.Round(groups.Count * fraction), 1, groups.Count - 1);
        return [.. groups.Skip(groups.Count - count)];
    }

    /// <summary>
    /// MRR@10 of the held-out groups as the service would show them: ordered by match tier (from the match one-hots:
    /// infix after exact, fuzzy last) then by <paramref name="scores"/> descending, or in the rows' own order (the
    /// order the logging ranker served, for groups from a replay) when <paramref name="scores"/> is null. The rank of
    /// the first row with the top label counts; ties keep row order. A schema without match one-hots (Discover's) has
    /// one tier.
    /// </summary>
    internal static double ServedMrr(IReadOnlyList<LtrRow> rows, float[]? scores, RankingSchema? schema = null)
    {
        var names = (schema ?? FeatureSchema.Schema).Names.ToList();
        var infix = names.IndexOf("match_infix");
        var fuzzy = names.IndexOf("match_fuzzy");
        var sum = 0.0;
        var groupCount = 0;
        var start = 0;
        while (start < rows.Count)
        {
            var end = start;
            while (end < rows.Count && rows[end].Group == rows[start].Group)
            {
                end++;
            }

            var order = Enumerable.Range(start, end - start);
            if (scores is not null)
            {
                order = order
                    .OrderBy(i => fuzzy >= 0 && rows[i].Features[fuzzy] > 0 ? 2 : infix >= 0 && rows[i].Features[infix] > 0 ? 1 : 0)
                    .ThenByDescending(i => scores[i]);
            }

            var best = rows.Skip(start).Take(end - start).Max(r => r.Label);
            var rank = 0;
            foreach (var i in order)
            {
                rank++;
                if (rank > 10)
                {
                    break;
                }

                if (best > 0 && rows[i].Label == best)
                {
                    sum += 1.0 / rank;
                    break;
                }
            }

            groupCount++;
            start = end;
        }

        return groupCount == 0 ? 0 : sum / groupCount;
    }

    private static IReadOnlyList<LtrRow> Ignore(IReadOnlyList<LtrRow> rows, IReadOnlyList<string> names, RankingSchema schema)
    {
        if (names.Count == 0)
        {
            return rows;
        }

        var indexes = names.Select(n => schema.Names.ToList().IndexOf(n)).ToArray();
        if (indexes.Any(i => i < 0))
        {
            throw new ArgumentException($"unknown feature in {string.Join(',', names)}; the schema has {string.Join(',', schema.Names)}.", nameof(names));
        }

        return [.. rows.Select(r =>
        {
            var features = (float[])r.Features.Clone();
            foreach (var i in indexes)
            {
                features[i] = 0;
            }

            return r with { Features = features };
        })];
    }

    /// <summary>The groups held out: a seeded shuffle, the first <paramref name="fraction"/> of them (at least one, not all).</summary>
    internal static HashSet<uint> HoldOut(IReadOnlyList<uint> groups, double fraction, int seed)
    {
        var shuffled = groups.ToArray();
        new Random(seed).Shuffle(shuffled);
        var count = Math.Clamp((int)Math.Round(groups.Count * fraction), 1, groups.Count - 1);
        return [.. shuffled.Take(count)];
    }

    private static (string Input, string Output, double MaxDiff) CheckOnnx(string path, IReadOnlyList<LtrRow> rows, float[] expected)
    {
        using var session = new InferenceSession(path);
        var input = session.InputMetadata.Single().Key;
        var output = session.OutputMetadata.Keys.Single(k => k.StartsWith(ScoreColumn, StringComparison.Ordinal));
        var actual = ScoreWithOnnx(session, input, output, [.. rows.Select(r => r.Features)]);
        var max = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }

        return (input, output, max);
    }

    private static IDataView Load(MLContext ml, IEnumerable<LtrRow> rows, int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Group = r.Group, Label = r.Label, Features = r.Features }), schema);
    }

    private static IDataView FeaturesOnly(MLContext ml, IEnumerable<LtrRow> rows, int width)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(rows.Select(r => new FeatureRow { Features = r.Features }), schema);
    }

    /// <summary>An ML.NET row.</summary>
    private sealed class Row
    {
        public uint Group { get; set; }

        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    /// <summary>The ONNX export's only input.</summary>
    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
