using QueryRec.Core.Matching;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;

namespace QueryRec.UnitTests.Serving.Rerank;

/// <summary>The collapse step of the browse products: spacing folds, and the spelling shown for a folded form alone.</summary>
public sealed class CollapseNearDuplicatesTests
{
    private static readonly NearDuplicateKeys Keys = new([new("smart watch", "smartwatch", "smartwatch"), new("x box 360", "360 xbox", "xbox 360")]);

    private static RerankState<object> State() => new(new object(), 10, new CallScope(DateTime.MaxValue, TimeProvider.System));

    [Fact]
    public async Task ApplyAsync_ShowFoldedInto_AFoldedFormAloneShowsTheSpellingItWasFoldedInto()
    {
        var step = new CollapseNearDuplicates<object>(_ => Keys, showFoldedInto: true);
        List<Candidate> candidates = [new("smart watch"), new("x box 360"), new("xbox 360"), new("car pet")];

        var shown = await step.ApplyAsync(candidates, State(), CancellationToken.None);

        Assert.Equal(["smartwatch", "xbox 360", "car pet"], shown.Select(static c => c.DisplayText));
        Assert.Equal(["smart watch", "x box 360", "car pet"], shown.Select(static c => c.Text));
        Assert.Equal([0, 1, 0], shown.Select(static c => c.CollapsedVariants));
    }

    [Fact]
    public async Task ApplyAsync_WithoutShowFoldedInto_AFoldedFormAloneKeepsItsSpelling()
    {
        var step = new CollapseNearDuplicates<object>(_ => Keys);

        var shown = await step.ApplyAsync([new("smart watch")], State(), CancellationToken.None);

        Assert.Equal("smart watch", Assert.Single(shown).DisplayText);
    }
}
