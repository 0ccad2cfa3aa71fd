using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Serving.Pipeline;
using QueryRec.Storage;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// The literal-first rule of Suggest (<c>QueryRec:Suggest:Matching:PinyinOverLiteralRatio</c>, default 10) through
/// <see cref="QueryRecPipeline.SuggestAsync"/> over a hand-built index: a Latin input that is itself an indexed query
/// ("ysl", a brand abbreviation) and the pinyin initials of ten Chinese queries (y s l).
/// </summary>
public sealed class QueryRecPipelineLiteralFirstTests
{
    private const long LiteralCount = 30;

    /// <summary>Ten queries whose initials are "ysl" (characters with one reading each), each more searched than "ysl" but less than 10×.</summary>
    private static readonly string[] Readings =
    [
        "雨伞篮", "鱼丝兰", "玉山铃", "月书炉", "羊松鹿", "云森梨", "盐山柳", "油丝篮", "鸭森兰", "玉扇铃",
    ];

    private static Dictionary<string, long> Counts(long firstReadingCount)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["ysl"] = LiteralCount };
        for (var i = 0; i < Readings.Length; i++)
        {
            counts[Readings[i]] = i == 0 ? firstReadingCount : 40 + (10 * i); // 50..130: between 1× and 10× the literal
        }

        return counts;
    }

    [Fact]
    public async Task SuggestAsync_LatinQueryAndTenMorePopularInitialsReadings_LiteralFirst()
    {
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(Counts(firstReadingCount: 40)));

        var response = await served.SuggestAsync("ysl", 10);

        Assert.Equal(10, response.Items.Count);
        Assert.Equal("ysl", response.Items[0].Text);
        Assert.Contains(Source.Prefix, response.Items[0].Sources);
        Assert.All(response.Items.Skip(1), static i => Assert.Equal([Source.PinyinInitials], i.Sources));
        Assert.Equal(response.Items.Skip(1).Select(static i => i.Score).OrderDescending(), response.Items.Skip(1).Select(static i => i.Score));
    }

    [Fact]
    public async Task SuggestAsync_ReadingBeyondTheRatio_ReadingFirstThenLiteral()
    {
        // 300 = 10 × the literal's 30: at the ratio the reading stays level with literal matches and wins on popularity.
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(Counts(firstReadingCount: 300)));

        var response = await served.SuggestAsync("ysl", 10);

        Assert.Equal(Readings[0], response.Items[0].Text);
        Assert.Equal("ysl", response.Items[1].Text);
    }

    [Fact]
    public async Task SuggestAsync_RatioZero_PopularityAloneAndTheLiteralPushedOut()
    {
        var settings = new Dictionary<string, string?> { ["QueryRec:Suggest:Matching:PinyinOverLiteralRatio"] = "0" };
        await using var served = await InMemoryPipeline.StartAsync(InMemoryPipeline.BuildIndex(Counts(firstReadingCount: 40)), settings);

        var response = await served.SuggestAsync("ysl", 10);

        Assert.Equal(10, response.Items.Count);
        Assert.DoesNotContain(response.Items, static i => i.Text == "ysl");
    }
}
