using QueryRec.Api.Interceptors;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Telemetry;

namespace QueryRec.UnitTests.Api.Interceptors;

/// <summary>The bounded tag values of the telemetry interceptor: arms, fallback kinds, stage and scene.</summary>
public sealed class TelemetryTagsTests
{
    [Fact]
    public void ArmOf_NoArms_IsNone()
    {
        Assert.Equal("none", TelemetryInterceptor.ArmOf(null));
        Assert.Equal("none", TelemetryInterceptor.ArmOf(new ResponseMetadata()));
    }

    [Fact]
    public void ArmOf_Arms_AreLayerColonArmInResponseOrder()
    {
        var metadata = new ResponseMetadata
        {
            ExperimentArms =
            {
                new ExperimentArm { Layer = "ranking", Arm = "model" },
                new ExperimentArm { Layer = "recall", Arm = "fuzzy-off" },
            },
        };

        Assert.Equal("ranking:model,recall:fuzzy-off", TelemetryInterceptor.ArmOf(metadata));
        Assert.Equal("ranking:model", TelemetryInterceptor.ArmOf(new ResponseMetadata { ExperimentArms = { metadata.ExperimentArms[0] } }));
    }

    [Theory]
    [InlineData("model_error", "heuristic")]
    [InlineData("model_unavailable", "heuristic")]
    [InlineData("source_stale:trending", "stale_list")]
    [InlineData("source_error:history", null)]
    [InlineData("index_unavailable", null)]
    public void FallbackKindOf_NamesTheSubstituteServed(string reason, string? kind)
        => Assert.Equal(kind, TelemetryInterceptor.FallbackKindOf(reason));

    [Fact]
    public void TagOf_UndefinedEnumValues_AreUnknown()
    {
        Assert.Equal("unknown", QueryRecTelemetry.TagOf((Stage)99));
        Assert.Equal("unknown", QueryRecTelemetry.TagOf((Scene)(-1)));
        Assert.Equal("in_search", QueryRecTelemetry.TagOf(Stage.InSearch));
        Assert.Equal("search_result", QueryRecTelemetry.TagOf(Scene.SearchResult));
    }

    [Fact]
    public void TagOf_EveryDefinedValue_HasItsOwnTag()
    {
        var stages = Enum.GetValues<Stage>().Select(QueryRecTelemetry.TagOf).ToList();
        var scenes = Enum.GetValues<Scene>().Select(QueryRecTelemetry.TagOf).ToList();

        Assert.DoesNotContain("unknown", stages);
        Assert.DoesNotContain("unknown", scenes);
        Assert.Equal(stages.Count, stages.Distinct().Count());
        Assert.Equal(scenes.Count, scenes.Distinct().Count());
    }
}
