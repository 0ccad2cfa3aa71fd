using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Ranking;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Ranking;

/// <summary>
/// The publish-time guard as <c>build --model</c> and <c>publish-model</c> apply it (<see cref="ModelPackageReader"/>):
/// on a model our trainer made, with the card's <c>guard</c> section saying it passed, lost, or not there.
/// </summary>
public sealed class ModelPackageGuardTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 15, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string TrainWith(ModelGuard? guard)
    {
        var onnx = _dir.File("model.onnx");
        var card = RankerTrainer.Train(LtrDataset.Synthetic(60, 7), new RankerTrainerOptions { Iterations = 10 }, onnx, Now);
        File.WriteAllText(RankerTrainer.CardPath(onnx), (card with { Guard = guard }).ToJson());
        return onnx;
    }

    private static ModelGuard Lost() => new()
    {
        Heuristic = new Dictionary<string, double> { ["cold"] = 0.66, ["streaming"] = 0.69 },
        Learned = new Dictionary<string, double> { ["cold"] = 0.66, ["streaming"] = 0.61 },
        Losses = ["streaming: MRR@10 0.6100 < heuristic 0.6900"],
        Passed = false,
    };

    [Fact]
    public void ModelThatLost_IsRefusedWithTheReason()
    {
        var onnx = TrainWith(Lost());

        var error = Assert.Throws<CliUserException>(() => ModelPackageReader.Read(onnx, force: false, TextWriter.Null));

        Assert.Contains("loses to the heuristic on its held-out window (streaming: MRR@10 0.6100 < heuristic 0.6900)", error.Message, StringComparison.Ordinal);
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelThatLost_WithForce_IsPackagedAndTheLossWarned()
    {
        var onnx = TrainWith(Lost());
        using var warnings = new StringWriter();

        var package = ModelPackageReader.Read(onnx, force: true, warnings);

        Assert.NotEmpty(package.Onnx);
        Assert.Contains("streaming: MRR@10 0.6100 < heuristic 0.6900", warnings.ToString(), StringComparison.Ordinal);
        Assert.Contains("--force", warnings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ModelThatPassed_IsPackagedWithoutWarning()
    {
        var onnx = TrainWith(Lost() with { Losses = [], Passed = true });
        using var warnings = new StringWriter();

        _ = ModelPackageReader.Read(onnx, force: false, warnings);

        Assert.Equal(string.Empty, warnings.ToString());
    }

    [Fact]
    public void ModelWithoutGuardFigures_IsPackagedWithAWarning()
    {
        var onnx = TrainWith(guard: null);
        using var warnings = new StringWriter();

        _ = ModelPackageReader.Read(onnx, force: false, warnings);

        Assert.Contains("no guard figures", warnings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GuardWithoutAVerdict_IsRefused()
    {
        var onnx = TrainWith(new ModelGuard { Heuristic = new Dictionary<string, double> { ["cold"] = 0.5 } });

        var error = Assert.Throws<CliUserException>(() => ModelPackageReader.Read(onnx, force: false, TextWriter.Null));

        Assert.Contains("did not pass", error.Message, StringComparison.Ordinal);
    }
}
