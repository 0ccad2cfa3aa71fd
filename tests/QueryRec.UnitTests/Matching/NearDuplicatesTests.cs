using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;

namespace QueryRec.UnitTests.Matching;

public sealed class NearDuplicatesTests
{
    [Theory]
    [InlineData("iphone15", "iphone 15")]
    [InlineData("iphone15", "iPhone-15")]
    [InlineData("red dresses", "dress red")]
    [InlineData("Phone Cases", "phone case")]
    [InlineData("batteries aa", "AA battery")]
    [InlineData("watches men", "men watch")]
    [InlineData("boxes", "box")]
    [InlineData("连衣裙 长款", "长款，连衣裙")]
    [InlineData("连衣裙2024", "2024 连衣裙")]
    [InlineData("c++ book", "book c++")]
    public void Key_NearDuplicates_Equal(string a, string b)
    {
        Assert.Equal(NearDuplicates.Key(QueryNormalizer.Normalize(a)), NearDuplicates.Key(QueryNormalizer.Normalize(b)));
    }

    [Theory]
    [InlineData("iphone 15", "iphone 16")]
    [InlineData("glass", "glas")]
    [InlineData("c++ book", "c# book")]
    [InlineData("2.5 inch", "25 inch")]
    [InlineData("6*8 袋", "8*6 袋")]
    [InlineData("连衣裙长款", "长款连衣裙")] // hanzi runs are one token each
    [InlineData("red dress", "red red dress")]
    public void Key_DifferentQueries_Differ(string a, string b)
    {
        Assert.NotEqual(NearDuplicates.Key(QueryNormalizer.Normalize(a)), NearDuplicates.Key(QueryNormalizer.Normalize(b)));
    }

    [Theory]
    [InlineData("dresses", "dress")]
    [InlineData("batteries", "battery")]
    [InlineData("pies", "pie")]
    [InlineData("boxes", "box")]
    [InlineData("watches", "watch")]
    [InlineData("brushes", "brush")]
    [InlineData("shoes", "shoe")]
    [InlineData("glass", "glass")]
    [InlineData("bus", "bus")]
    [InlineData("virus", "virus")]
    [InlineData("tennis", "tennis")]
    [InlineData("gas", "gas")]
    public void Singular_EnglishWord_SimpleRules(string word, string expected)
    {
        Assert.Equal(expected, NearDuplicates.Singular(word));
    }

    [Fact]
    public void Key_AnyWordOrder_Same()
    {
        var word = Gen.String["abcdefghijklmnopqrstuvwxyz0123456789连衣裙长款"].Where(w => w.Length > 0);
        word.Array[1, 5].Sample(words =>
        {
            var shuffled = words.Reverse().ToArray();
            Assert.Equal(NearDuplicates.Key(string.Join(' ', words)), NearDuplicates.Key(string.Join(' ', shuffled)));
        });
    }
}
