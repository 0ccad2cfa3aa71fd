using QueryRec.Contracts.V1;
using QueryRec.Indexer.Build;
using QueryRec.Serving.Pipeline;
using QueryRec.Storage;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// Mixed input (hanzi, pinyin, Latin words and digits in any order) through <see cref="QueryRecPipeline.SuggestAsync"/>
/// over indexes built by the indexer (see <see cref="InMemoryPipeline"/>): typed hanzi must be the query's hanzi, typed
/// pinyin reads the query's other hanzi, typed Latin and digits are the query's own.
/// </summary>
public sealed class QueryRecPipelineMixedInputTests
{
    private static readonly IndexBuild Products = InMemoryPipeline.BuildIndex(new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["佳能r5"] = 50, // jia neng
        ["佳能相机"] = 40,
        ["小米14 pro"] = 60, // xiao mi
        ["小米手环"] = 45,
        ["iphone 手机壳"] = 55, // shou ji ke
        ["iphone 手表带"] = 35,
        ["罗技g304"] = 30, // luo ji
    });

    /// <summary>Ten queries read "qie…" with other hanzi, each more searched than 企鹅vip (qi e).</summary>
    private static readonly IndexBuild Homophones = InMemoryPipeline.BuildIndex(new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["窃听器"] = 100, ["怯场"] = 110, ["惬意沙发"] = 120, ["妾身"] = 130, ["窃贼"] = 140,
        ["怯弱"] = 150, ["惬意椅"] = 160, ["窃取"] = 170, ["怯懦"] = 180, ["惬怀"] = 190,
        ["企鹅vip"] = 5,
    });

    /// <summary>
    /// 小度x8 (xiao du) is outside both the top 10 of "py:xiaodu" (nine 消毒 queries and 小度音箱) and the top 10 of "p:小"
    /// (ten other 小 queries): only the node of the text the input stands for, "p:小度", holds it.
    /// </summary>
    private static readonly IndexBuild Crowded = InMemoryPipeline.BuildIndex(new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["消毒液"] = 100, ["消毒柜"] = 110, ["消毒湿巾"] = 120, ["消毒灯"] = 130, ["消毒碗"] = 140,
        ["消毒水"] = 150, ["消毒喷雾"] = 160, ["消毒棉"] = 170, ["消毒机"] = 180,
        ["小熊"] = 200, ["小狗"] = 210, ["小猫"] = 220, ["小车"] = 230, ["小船"] = 240,
        ["小桌"] = 250, ["小床"] = 260, ["小鱼"] = 270, ["小鸟"] = 280, ["小刀"] = 290,
        ["小度音箱"] = 96,
        ["小度x8"] = 5,
    });

    [Theory]
    [InlineData("佳nengr5", "佳能r5")]
    [InlineData("佳nengr", "佳能r5")]
    [InlineData("佳neng r5", "佳能r5")]
    [InlineData("小mi14pro", "小米14 pro")]
    [InlineData("小mi14 p", "小米14 pro")]
    [InlineData("xiao米14", "小米14 pro")]
    [InlineData("iphone手ji壳", "iphone 手机壳")]
    [InlineData("iphone shou机k", "iphone 手机壳")]
    [InlineData("罗jig3", "罗技g304")]
    public async Task SuggestAsync_HanziPinyinLatinAndDigits_FindsTheQuery(string prefix, string query)
    {
        await using var served = await InMemoryPipeline.StartAsync(Products);

        var response = await served.SuggestAsync(prefix);

        Assert.Empty(response.Metadata.DegradedReasons);
        Assert.NotEmpty(response.Items);
        Assert.Equal(query, response.Items[0].Text);
        Assert.Contains(Source.PinyinMixed, response.Items[0].Sources);
    }

    [Theory]
    [InlineData("大mi14pro", "小米14 pro")]
    [InlineData("佳nengr6", "佳能r5")]
    [InlineData("iphone手ji盒", "iphone 手机壳")]
    [InlineData("佳能xiangji r", "佳能相机")]
    public async Task SuggestAsync_MixedInputThatDisagrees_DoesNotFindTheQueryAsAnExactMatch(string prefix, string query)
    {
        await using var served = await InMemoryPipeline.StartAsync(Products);

        var response = await served.SuggestAsync(prefix);

        Assert.DoesNotContain(response.Items, i => i.Text == query && i.Sources.Contains(Source.PinyinMixed));
    }

    [Theory]
    [InlineData("企e")]
    [InlineData("企ev")]
    [InlineData("企evip")]
    public async Task SuggestAsync_PinyinNodeFullOfHomophones_FindsTheQueryThroughTheTypedHanzi(string prefix)
    {
        await using var served = await InMemoryPipeline.StartAsync(Homophones);

        var response = await served.SuggestAsync(prefix);

        Assert.Equal("企鹅vip", Assert.Single(response.Items, static i => i.Sources.Contains(Source.PinyinMixed)).Text);
    }

    [Fact]
    public async Task SuggestAsync_QueryOutsideThePinyinAndHeadNodes_FoundThroughTheTextTheInputStandsFor()
    {
        await using var served = await InMemoryPipeline.StartAsync(Crowded);

        var response = await served.SuggestAsync("小du");

        Assert.Equal(["小度音箱", "小度x8"], response.Items.Select(static i => i.Text));
        Assert.All(response.Items, static i => Assert.Contains(Source.PinyinMixed, i.Sources));
    }

    [Fact]
    public async Task SuggestAsync_SecondaryReadingWeight_IsTheIndexOwn()
    {
        // 海斯迪克 matches 海shi only through 斯's second reading. Built with --pinyin-secondary-weight 0.001, its pinyin
        // entry (1000 × 0.001) falls out of the crowded "haishi" node, and the literal 海 node's match must be weighed
        // alike: 1, last, not 1000 × the server's own setting for older versions (0.05), which would rank it first.
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["海斯迪克"] = 1000 };
        var shi = "氏市事狮石誓蚀时士湿";
        for (var i = 0; i < shi.Length; i++)
        {
            counts["海" + shi[i] + "产品"] = 20 + i;
        }

        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(counts, new BuildOptions { MinCount = 1, PinyinSecondaryWeight = 0.001 }));
        var texts = (await served.SuggestAsync("海shi", 10)).Items.Select(i => i.Text).ToList();

        Assert.Equal(10, texts.Count);
        Assert.True(texts.IndexOf("海斯迪克") is -1 or 9, string.Join(", ", texts));
    }
}
