using QueryRec.Contracts.V1;
using QueryRec.Serving.Pipeline;
using QueryRec.Storage;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// Inputs with punctuation inside a Latin or pinyin run, through <see cref="QueryRecPipeline.SuggestAsync"/> over an
/// index built by the indexer (see <see cref="InMemoryPipeline"/>): the pinyin keys drop punctuation on the index side
/// and on the typed side alike, and the literal text stays reachable by its own prefix.
/// </summary>
public sealed class QueryRecPipelinePunctuationTests
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["充电器2.4a"] = 60, // chong dian qi
        ["螺丝 m6-20"] = 50, // luo si
        ["usb-c cable"] = 40,
        ["2.4ghz router"] = 30,
        ["usb hub"] = 20,
    };

    private static readonly IndexBuild Index = InMemoryPipeline.BuildIndex(Counts);

    [Theory]
    [InlineData("chongdianqi2.4a", "充电器2.4a", Source.PinyinFull)]
    [InlineData("chongdianqi2.4", "充电器2.4a", Source.PinyinFull)]
    [InlineData("chongdianqi24a", "充电器2.4a", Source.PinyinFull)]
    [InlineData("cdq2.4a", "充电器2.4a", Source.PinyinInitials)]
    [InlineData("luosi m6-20", "螺丝 m6-20", Source.PinyinFull)]
    [InlineData("luosim6-2", "螺丝 m6-20", Source.PinyinFull)]
    [InlineData("ls m6-20", "螺丝 m6-20", Source.PinyinInitials)]
    public async Task SuggestAsync_PinyinWithPunctuation_FindsTheHanziQuery(string prefix, string hanzi, Source source)
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var response = await served.SuggestAsync(prefix);

        Assert.Empty(response.Metadata.DegradedReasons);
        Assert.NotEmpty(response.Items);
        Assert.Equal(hanzi, response.Items[0].Text);
        Assert.Contains(source, response.Items[0].Sources);
    }

    [Theory]
    [InlineData("usb-c", "usb-c cable")]
    [InlineData("usb-", "usb-c cable")]
    [InlineData("2.4ghz", "2.4ghz router")]
    [InlineData("2.4", "2.4ghz router")]
    public async Task SuggestAsync_LiteralPrefixWithPunctuation_FindsTheQueryByPrefix(string prefix, string query)
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var response = await served.SuggestAsync(prefix);

        Assert.Equal(query, response.Items[0].Text);
        Assert.Contains(Source.Prefix, response.Items[0].Sources);
    }

    [Theory]
    [InlineData("usb c")]
    [InlineData("usbc")]
    public async Task SuggestAsync_LatinWithoutThePunctuation_StillFindsTheQuery(string prefix)
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var response = await served.SuggestAsync(prefix);

        Assert.Contains("usb-c cable", response.Items.Select(static i => i.Text));
    }
}
