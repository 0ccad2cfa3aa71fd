using QueryRec.Indexer.Ranking;

namespace QueryRec.UnitTests.Indexer.Ranking;

public sealed class ModelGuardEvaluationTests
{
    private static readonly ModelGuardOptions Strict = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(3), new Dictionary<string, string?>());

    private static Dictionary<string, double> F(double cold, double streaming, double? own = null)
    {
        var figures = new Dictionary<string, double> { ["cold"] = cold, ["streaming"] = streaming };
        if (own is { } o)
        {
            figures["own_last_query"] = o;
        }

        return figures;
    }

    [Fact]
    public void ModelEqualOrBetterEverywhere_Passes()
    {
        var guard = ModelGuardEvaluation.Compare(F(0.66, 0.69, 1.0), F(0.66, 0.70, 1.0), Strict);

        Assert.True(guard.Passed);
        Assert.Empty(guard.Losses!);
    }

    [Fact]
    public void ModelBelowInAnyFigure_FailsNamingEachLoss()
    {
        var guard = ModelGuardEvaluation.Compare(F(0.66, 0.69, 1.0), F(0.65, 0.70, 0.5), Strict);

        Assert.False(guard.Passed);
        Assert.Equal(["cold: MRR@10 0.6500 < heuristic 0.6600", "own_last_query: MRR@10 0.5000 < heuristic 1.0000"], guard.Losses);
    }

    [Fact]
    public void LossWithinTheTolerance_Passes_PastIt_Fails()
    {
        var tolerant = Strict with { Tolerance = 0.01 };

        Assert.True(ModelGuardEvaluation.Compare(F(0.66, 0.69), F(0.66, 0.681), tolerant).Passed);
        Assert.False(ModelGuardEvaluation.Compare(F(0.66, 0.69), F(0.66, 0.679), tolerant).Passed);
    }

    [Fact]
    public void FigureOnlyOneSideHas_IsNotCompared()
    {
        // A window without own-last-query rows has no such figure for the model either; a missing figure never fails.
        var guard = ModelGuardEvaluation.Compare(F(0.66, 0.69, 1.0), F(0.66, 0.69), Strict);

        Assert.True(guard.Passed);
        Assert.Equal(Strict.From, guard.From);
        Assert.Equal(Strict.Until, guard.Until);
    }
}
