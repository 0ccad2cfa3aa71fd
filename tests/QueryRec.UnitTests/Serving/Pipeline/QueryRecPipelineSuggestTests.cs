using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Serving.Pipeline;
using QueryRec.Storage;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// Suggest through <see cref="QueryRecPipeline.SuggestAsync"/> as every host calls it, on the pipeline composed by
/// AddQueryRecServing over an in-memory index (see <see cref="InMemoryPipeline"/>): no web host, no gRPC. Expected
/// answers are worked out from <see cref="Counts"/>, the test's own queries and search counts.
/// </summary>
public sealed class QueryRecPipelineSuggestTests
{
    /// <summary>Distinct counts, several queries per first letter (g, h, x), and two hanzi queries for pinyin input.</summary>
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 100, ["gears of war"] = 90, ["gear head"] = 80, ["geforce"] = 70, ["gta 5"] = 60,
        ["halo reach"] = 50, ["halo 3"] = 40, ["hand"] = 30, ["xbox 360"] = 20, ["xbox one"] = 10,
        ["连衣裙"] = 55, // lian yi qun
        ["手机壳"] = 45, // shou ji ke
    };

    private static readonly IndexBuild Index = InMemoryPipeline.BuildIndex(Counts);

    /// <summary>The queries <paramref name="prefix"/> starts, most searched first, at most <paramref name="limit"/>.</summary>
    private static List<string> Expected(IReadOnlyDictionary<string, long> counts, string prefix, int limit)
        => [.. counts
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(static p => p.Value)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(static p => p.Key)];

    [Fact]
    public async Task SuggestAsync_Prefix_ItsCompletionsMostPopularFirst()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);
        var expected = Expected(Counts, "ge", int.MaxValue);
        Assert.Equal(["gears of war 3", "gears of war", "gear head", "geforce"], expected); // the data, as read by hand

        var response = await served.SuggestAsync("ge", expected.Count);

        Assert.Equal(expected, response.Items.Select(static i => i.Text));
        Assert.All(response.Items, static i => Assert.Contains(Source.Prefix, i.Sources));
        Assert.Equal(response.Items.Select(static i => i.Score).OrderDescending(), response.Items.Select(static i => i.Score));
        Assert.False(response.Metadata.Degraded);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SuggestAsync_LimitBelowTheMatches_ReturnsThatManyOfTheMostPopular(int limit)
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);
        Assert.True(Expected(Counts, "g", int.MaxValue).Count > limit);

        var response = await served.SuggestAsync("g", limit);

        Assert.Equal(limit, response.Items.Count);
        Assert.Equal(Expected(Counts, "g", limit), response.Items.Select(static i => i.Text));
    }

    [Fact]
    public async Task SuggestAsync_PrefixMatchingNothing_EmptyAndNotDegraded()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);
        Assert.Empty(Expected(Counts, "zzz", int.MaxValue));

        var response = await served.SuggestAsync("zzz");

        Assert.Empty(response.Items);
        Assert.False(response.Metadata.Degraded);
        Assert.Empty(response.Metadata.DegradedReasons);
        Assert.Equal(Index.Version, response.Metadata.IndexVersion);
    }

    [Theory]
    [InlineData("lyq", "连衣裙", Source.PinyinInitials)]
    [InlineData("sjk", "手机壳", Source.PinyinInitials)]
    [InlineData("shouji", "手机壳", Source.PinyinFull)]
    public async Task SuggestAsync_PinyinOfAHanziQuery_FindsTheHanziQuery(string prefix, string hanzi, Source source)
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var response = await served.SuggestAsync(prefix);

        Assert.Empty(response.Metadata.DegradedReasons);
        Assert.NotEmpty(response.Items);
        Assert.Equal(hanzi, response.Items[0].Text);
        Assert.Contains(source, response.Items[0].Sources);
    }

    [Fact]
    public async Task SuggestAsync_Metadata_CarriesTheServedIndexVersion_AndFollowsAPublish()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);
        var recounted = new Dictionary<string, long>(Counts, StringComparer.Ordinal) { ["geforce"] = 500, ["gear head"] = 5 };
        var next = InMemoryPipeline.BuildIndex(recounted);
        Assert.NotEqual(Index.Version, next.Version);

        var before = await served.SuggestAsync("ge", 4);
        await served.PublishAsync(next);
        var after = await served.SuggestAsync("ge", 4);

        Assert.Equal(Index.Version, before.Metadata.IndexVersion);
        Assert.Equal(Expected(Counts, "ge", 4), before.Items.Select(static i => i.Text));
        Assert.Equal(next.Version, after.Metadata.IndexVersion);
        Assert.Equal(Expected(recounted, "ge", 4), after.Items.Select(static i => i.Text));
        Assert.NotEqual(before.Metadata.RequestId, after.Metadata.RequestId);
    }

    [Theory]
    [InlineData("ge", Limits.MaxSuggestLimit + 1, "limit")]
    [InlineData("ge", -1, "limit")]
    [InlineData("", 5, "prefix")]
    [InlineData("   ", 5, "prefix")]
    public async Task SuggestAsync_InvalidRequest_ThrowsInvalidRequestNamingTheField(string prefix, int limit, string field)
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => served.SuggestAsync(prefix, limit));

        Assert.Equal([field], ex.Violations.Select(static v => v.Field));
    }

    [Fact]
    public async Task SuggestAsync_PrefixLongerThanTheMaximum_ThrowsNamingThePrefix_AndTheMaximumIsAccepted()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => served.SuggestAsync(new string('g', Limits.MaxPrefixLength + 1)));
        var longest = await served.SuggestAsync(new string('g', Limits.MaxPrefixLength), Limits.MaxSuggestLimit);

        Assert.Equal("prefix", Assert.Single(ex.Violations).Field);
        Assert.Contains(Limits.MaxPrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Violations[0].Description, StringComparison.Ordinal);
        Assert.Equal(Index.Version, longest.Metadata.IndexVersion);
    }

    [Fact]
    public async Task SuggestAsync_SeveralInvalidFields_ReportsEachOfThem()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);
        var request = new SuggestRequest { Prefix = string.Empty, Limit = Limits.MaxSuggestLimit + 1, UserId = new string('u', Limits.MaxIdLength + 1) };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => served.Pipeline.SuggestAsync(request, PipelineCall.Unbounded, CancellationToken.None));

        Assert.Equal(["limit", "prefix", "user_id"], ex.Violations.Select(static v => v.Field).Order(StringComparer.Ordinal));
        Assert.False(ex.More);
    }
}
