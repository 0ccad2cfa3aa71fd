using QueryRec.Core.Matching;

namespace QueryRec.UnitTests.Core.Matching;

/// <summary>A version's collapse keys: its folds, else the text's own key; and the spacing form of a text.</summary>
public sealed class NearDuplicateKeysTests
{
    [Fact]
    public void Key_FoldedText_TakesItsFold_OtherTextsTheirOwnKey()
    {
        var keys = new NearDuplicateKeys([new("smart watch", "smartwatch", "smartwatch")]);

        Assert.Equal("smartwatch", keys.Key("smart watch"));
        Assert.Equal("smartwatch", keys.Key("smartwatch"));
        Assert.Equal(NearDuplicates.Key("red dresses"), keys.Key("red dresses"));
        Assert.Equal(NearDuplicates.Key("smart watch"), NearDuplicateKeys.None.Key("smart watch"));
        Assert.NotEqual("smartwatch", NearDuplicates.Key("smart watch"));
        Assert.True(keys.TryGetShown("smart watch", out var shown));
        Assert.Equal("smartwatch", shown);
        Assert.False(keys.TryGetShown("smartwatch", out _));
    }

    [Theory]
    [InlineData("x box 360", "360 xbox")]
    [InlineData("x-box_360", "360 xbox")]
    [InlineData("smart watches", "smartwatch")]
    [InlineData("2060 12g", "12 2060 g")]
    [InlineData("2.5 tv", "2.5 tv")]
    [InlineData("c++ book", "c++book")]
    public void SpacingForm_DropsSeparatorsBetweenLetters_NeverBetweenDigits(string text, string form)
        => Assert.Equal(form, NearDuplicateKeys.SpacingForm(text));
}
