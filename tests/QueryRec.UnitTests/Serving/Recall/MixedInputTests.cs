using QueryRec.Serving.Recall;

namespace QueryRec.UnitTests.Serving.Recall;

public sealed class MixedInputTests
{
    [Theory]
    [InlineData("连yi")]
    [InlineData("连衣 qun")]
    [InlineData("佳nengr5")]
    [InlineData("小mi14pro")]
    [InlineData("iphone手ji壳")]
    [InlineData("xiao米")]
    [InlineData("书桌1.8")]
    [InlineData("iphone手")]
    public void TryParse_HanziWithLettersOrDigits_IsMixed(string input)
        => Assert.True(MixedInput.TryParse(input, out _));

    [Theory]
    [InlineData("连衣裙")]
    [InlineData("连衣裙 ")]
    [InlineData("lian yi")]
    [InlineData("iphone 15")]
    [InlineData("连衣-")]
    [InlineData("")]
    public void TryParse_NoHanziOrNothingElse_IsNotMixed(string input)
        => Assert.False(MixedInput.TryParse(input, out _));

    [Fact]
    public void TryParse_MoreUnitsThanTheBound_IsNotMixed()
    {
        var input = "连" + new string('a', MixedInput.MaxUnits);

        Assert.False(MixedInput.TryParse(input, out _));
    }

    [Theory]
    [InlineData("佳nengr5", "佳")]
    [InlineData("连衣 qun", "连衣")]
    [InlineData("iphone手ji壳", "iphone手")]
    [InlineData("口2024zhao", "口")]
    [InlineData("书桌1.8", "")]
    [InlineData("iphone手", "")]
    public void TryParse_LiteralHead_RunsToTheLastHanziBeforeTheFirstLetterAfterAHanzi(string input, string head)
    {
        Assert.True(MixedInput.TryParse(input, out var mixed));
        Assert.Equal(head, mixed.LiteralHead);
    }

    [Theory]
    [InlineData("佳nengr5", "jianengr5")]
    [InlineData("小mi 14-pro", "xiaomi14pro")]
    [InlineData("iphone手ji壳", "iphoneshoujike")]
    public void LookupKeys_HanziByReadingOtherCharactersKept_PunctuationDropped(string input, string key)
    {
        Assert.True(MixedInput.TryParse(input, out var mixed));
        Assert.Equal(key, mixed.LookupKeys(16, 4)[0]);
    }

    [Fact]
    public void LookupKeys_Polyphone_EveryReadingUpToTheBound()
    {
        // 重 reads zhong and chong.
        Assert.True(MixedInput.TryParse("重qing", out var mixed));

        var keys = mixed.LookupKeys(16, 4);

        Assert.Contains("zhongqing", keys);
        Assert.Contains("chongqing", keys);
        Assert.Single(mixed.LookupKeys(16, 1));
    }

    [Theory]
    [InlineData("佳nengr5", "佳能r5", "佳能r5")]
    [InlineData("佳nengr", "佳能r5 相机", "佳能r")]
    [InlineData("佳ne", "佳能r5", "佳能")]
    [InlineData("小mi14pro", "小米14 pro max", "小米14 pro")]
    [InlineData("iphone手ji壳", "iphone 手机壳", "iphone 手机壳")]
    [InlineData("xiao米", "小米手环", "小米")]
    [InlineData("xian女", "西安女装", "西安女")]
    [InlineData("重qing", "重庆火锅", "重庆")]
    [InlineData("螺丝m6-2", "螺丝 m6-20", "螺丝 m6-2")]
    [InlineData("lv色", "绿色裙子", "绿色")]
    public void MatchEnd_TextAgrees_EndsWhereTheInputEnds(string input, string text, string matched)
    {
        Assert.True(MixedInput.TryParse(input, out var mixed));
        Assert.Equal(matched.Length, mixed.MatchEnd(text, out _));
    }

    [Theory]
    [InlineData("大mi14pro", "小米14 pro")]
    [InlineData("佳nengr6", "佳能r5")]
    [InlineData("iphone手ji盒", "iphone 手机壳")]
    [InlineData("佳n r5", "佳能r5")]
    [InlineData("佳nengr5", "佳能")]
    [InlineData("连yi", "衣连裙")]
    public void MatchEnd_TextDisagrees_IsMinusOne(string input, string text)
    {
        Assert.True(MixedInput.TryParse(input, out var mixed));
        Assert.Equal(-1, mixed.MatchEnd(text, out _));
    }

    [Theory]
    [InlineData("海shi", "海氏烤箱", 0)] // 氏: shi first
    [InlineData("海shi", "海斯迪克", 1)] // 斯: si first, then shi
    [InlineData("奇yi", "奇异果", 0)]
    [InlineData("ji怪", "奇怪", 1)] // 奇: qi first, then ji
    public void MatchEnd_ReadingsOtherThanTheFirst_AreCounted(string input, string text, int secondary)
    {
        Assert.True(MixedInput.TryParse(input, out var mixed));
        Assert.True(mixed.MatchEnd(text, out var actual) > 0);
        Assert.Equal(secondary, actual);
    }
}
