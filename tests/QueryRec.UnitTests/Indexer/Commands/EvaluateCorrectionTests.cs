using QueryRec.Core.Matching;
using QueryRec.Indexer.Commands;

namespace QueryRec.UnitTests.Indexer.Commands;

/// <summary>The correction evaluation's hit rule: the same query once normalized, or one the service shows as one.</summary>
public sealed class EvaluateCorrectionTests
{
    [Theory]
    [InlineData("Gears of War", "gears of war", true)] // equal once normalized
    [InlineData("iphone15", "iphone 15", true)] // the text-only near-duplicate key (spacing at a letter-digit boundary)
    [InlineData("dress red", "red dress", true)] // word order
    [InlineData("gears of war", "gears of war 2", false)]
    [InlineData("smartwatch", "smart watch", false)] // spacing between letters: only an index's fold says they are one
    public void Same_WithoutAnIndex(string shown, string intended, bool expected)
        => Assert.Equal(expected, EvaluateCorrection.Same(shown, intended));

    [Fact]
    public void Same_WithTheIndexsKeys_CountsASpacingFoldAsTheIntendedQuery()
    {
        var keys = new NearDuplicateKeys([new("smart watch", "smartwatch", "smartwatch")]);

        Assert.True(EvaluateCorrection.Same("smartwatch", "smart watch", keys.Key));
        Assert.True(EvaluateCorrection.Same("Smart Watch", "smartwatch", keys.Key));
        Assert.False(EvaluateCorrection.Same("smart tv", "smartwatch", keys.Key));
    }
}
