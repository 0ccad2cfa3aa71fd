using System.CommandLine;
using System.Globalization;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Ranking;

namespace QueryRec.Indexer.Commands;

/// <summary><c>train</c>: trains the LambdaRank ranker on learning-to-rank rows and exports ONNX plus a model card (see docs/ranking.md).</summary>
internal sealed class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var d = new RankerTrainerOptions();
        var input = new Option<string?>("--input") { Description = "TSV of learning-to-rank rows: header 'group label <features-v1 names>', then one row per candidate." };
        var synthetic = new Option<int?>("--synthetic") { Description = "Train on N deterministic toy groups instead of --input (8 candidates each)." };
        var output = new Option<string>("--output") { Description = "The ONNX model to write; the card goes to <name>.card.json.", Required = true };
        var maxRows = new Option<int>("--max-rows") { Description = "Refuse inputs with more rows than this.", DefaultValueFactory = _ => 5_000_000 };
        var iterations = new Option<int>("--iterations") { Description = "Boosting iterations.", DefaultValueFactory = _ => d.Iterations };
        var leaves = new Option<int>("--leaves") { Description = "Leaves per tree.", DefaultValueFactory = _ => d.Leaves };
        var learningRate = new Option<double>("--learning-rate") { Description = "Learning rate.", DefaultValueFactory = _ => d.LearningRate };
        var seed = new Option<int>("--seed") { Description = "Seed of the held-out split, the trainer and --synthetic.", DefaultValueFactory = _ => d.Seed };
        var command = new Command("train", "Train the LambdaRank ranker (LightGBM), export ONNX and write the model card.")
        {
            input, synthetic, output, maxRows, iterations, leaves, learningRate, seed,
        };
        command.SetAction(r => Run(
            context,
            r.GetValue(input),
            r.GetValue(synthetic),
            r.GetRequiredValue(output),
            r.GetValue(maxRows),
            new RankerTrainerOptions
            {
                Iterations = r.GetValue(iterations),
                Leaves = r.GetValue(leaves),
                LearningRate = r.GetValue(learningRate),
                Seed = r.GetValue(seed),
            }));
        return command;
    }

    public static int Run(CliContext context, string? input, int? synthetic, string output, int maxRows, RankerTrainerOptions options)
    {
        if ((input is null) == (synthetic is null))
        {
            throw new CliUserException("give exactly one of --input and --synthetic.");
        }

        if (synthetic is < 2 or > 1_000_000)
        {
            throw new CliUserException("--synthetic must be from 2 to 1000000 groups.");
        }

        if (maxRows < 1 || options.Iterations < 1 || options.Leaves < 2 || options.LearningRate is <= 0 or > 1)
        {
            throw new CliUserException("--max-rows and --iterations must be ≥ 1, --leaves ≥ 2, --learning-rate in (0, 1].");
        }

        List<LtrRow> rows;
        if (input is not null)
        {
            if (!File.Exists(input))
            {
                throw new CliUserException($"input file not found: {input}");
            }

            try
            {
                rows = LtrDataset.Read(input, maxRows);
            }
            catch (InvalidDataException ex)
            {
                throw new CliUserException(ex.Message);
            }
        }
        else
        {
            rows = LtrDataset.Synthetic(synthetic!.Value, options.Seed);
        }

        if (rows.Select(r => r.Group).Distinct().Take(2).Count() < 2)
        {
            throw new CliUserException("training needs at least 2 groups.");
        }

        var started = context.Time.GetTimestamp();
        var card = RankerTrainer.Train(rows, options, output, context.Time.GetUtcNow());
        var elapsed = context.Time.GetElapsedTime(started);
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        context.Summary("train", [
            ("schema", $"{FeatureSchema.Version} ({FeatureSchema.Count} features)"),
            ("model version", card.ModelVersion),
            ("rows / groups", $"{BuildCommand.N(card.Rows)} / {BuildCommand.N(card.Groups)}"),
            ("train rows / groups", $"{BuildCommand.N(card.TrainRows)} / {BuildCommand.N(card.TrainGroups)}"),
            ("held-out rows / groups", $"{BuildCommand.N(card.TestRows)} / {BuildCommand.N(card.TestGroups)}"),
            ("NDCG@1 / @3 / @10", $"{F(card.Metrics["ndcg_at_1"])} / {F(card.Metrics["ndcg_at_3"])} / {F(card.Metrics["ndcg_at_10"])}"),
            ("ONNX max |diff|", card.OnnxMaxAbsDiff.ToString("G3", CultureInfo.InvariantCulture)),
            ("model bytes", BuildCommand.N(card.ModelBytes)),
            ("train time", card.TrainSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s"),
            ("total time", elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s"),
            ("output", output),
            ("card", RankerTrainer.CardPath(output)),
        ]);
        return IndexerCli.ExitOk;
    }
}
