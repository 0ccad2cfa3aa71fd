using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Ranking;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>Ranking models for functional tests: trained by our own trainer, and scored with ONNX Runtime directly.</summary>
internal static class RankingTestModels
{
    /// <summary>Trains a small model on deterministic synthetic groups into <paramref name="directory"/>/model.onnx (card beside it).</summary>
    public static string TrainSynthetic(string directory)
    {
        var onnx = Path.Combine(directory, "model.onnx");
        RankerTrainer.Train(LtrDataset.Synthetic(300, 7), new RankerTrainerOptions { Iterations = 30, Seed = 7 }, onnx, DateTimeOffset.UtcNow);
        return onnx;
    }

    /// <summary>Scores schema vectors with ONNX Runtime, independently of the server's session.</summary>
    public static float[] OnnxScores(string onnx, IReadOnlyList<float[]> rows)
    {
        var tensor = new DenseTensor<float>([rows.Count, FeatureSchema.Count]);
        for (var i = 0; i < rows.Count; i++)
        {
            for (var j = 0; j < FeatureSchema.Count; j++)
            {
                tensor[i, j] = rows[i][j];
            }
        }

        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", tensor)]);
        return [.. results.Single(r => r.Name == "Score.output").AsEnumerable<float>()];
    }
}
