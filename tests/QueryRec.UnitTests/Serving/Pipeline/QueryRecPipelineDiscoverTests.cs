using QueryRec.Contracts.V1;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Pipeline;
using QueryRec.Storage;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// Discover through <see cref="QueryRecPipeline.DiscoverAsync"/> on the pipeline composed by AddQueryRecServing over an
/// in-memory index of a plain query list (see <see cref="InMemoryPipeline"/>): its global hot list is the queries by
/// search count; it has no sessions, so no personal or related lists. Expected answers come from <see cref="Counts"/>.
/// </summary>
public sealed class QueryRecPipelineDiscoverTests
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 100, ["gears of war"] = 90, ["gear head"] = 80, ["geforce"] = 70, ["gta 5"] = 60,
        ["连衣裙"] = 55, ["halo reach"] = 50, ["手机壳"] = 45, ["halo 3"] = 40, ["hand"] = 30, ["xbox 360"] = 20, ["xbox one"] = 10,
    };

    private static readonly IndexBuild Index = InMemoryPipeline.BuildIndex(Counts);

    /// <summary>The most searched queries but <paramref name="except"/>, at most <paramref name="limit"/>.</summary>
    private static List<string> MostSearched(int limit, string? except = null)
        => [.. Counts
            .Where(p => p.Key != except)
            .OrderByDescending(static p => p.Value)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(static p => p.Key)];

    private static Task<DiscoverResponse> DiscoverAsync(InMemoryPipeline served, DiscoverRequest request)
        => served.Pipeline.DiscoverAsync(request, PipelineCall.Unbounded, CancellationToken.None);

    [Fact]
    public async Task DiscoverAsync_BeforeSearchHotSection_IsTheMostSearchedQueries()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var response = await DiscoverAsync(served, new DiscoverRequest { Stage = Stage.BeforeSearch, Sections = { SectionKind.Hot }, Limit = 4 });

        var section = Assert.Single(response.Sections);
        Assert.Equal(SectionKind.Hot, section.Kind);
        Assert.Equal(MostSearched(4), section.Items.Select(static i => i.Text));
        Assert.All(section.Items, static i => Assert.Contains(Source.Hot, i.Sources));
        Assert.False(response.Metadata.Degraded);
        Assert.Equal(Index.Version, response.Metadata.IndexVersion);
    }

    [Fact]
    public async Task DiscoverAsync_BeforeSearchWithoutSections_ShowsHistoryPersonalThenHot_PersonalEmptyForACallerWithoutHistory()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var response = await DiscoverAsync(served, new DiscoverRequest { Stage = Stage.BeforeSearch, UserId = "u:new", Limit = 3 });

        Assert.Equal([SectionKind.History, SectionKind.Personal, SectionKind.Hot], response.Sections.Select(static s => s.Kind));
        Assert.Empty(response.Sections[0].Items);
        Assert.Empty(response.Sections[1].Items);
        Assert.Equal(MostSearched(3), response.Sections[2].Items.Select(static i => i.Text));
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task DiscoverAsync_PageQuery_IsNotRecommendedBack()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);
        var page = MostSearched(1)[0];

        var response = await DiscoverAsync(served, new DiscoverRequest
        {
            Stage = Stage.BeforeSearch,
            Sections = { SectionKind.Hot },
            Limit = 3,
            Context = new PageContext { Query = page },
        });

        Assert.Equal(MostSearched(3, except: page), response.Sections[0].Items.Select(static i => i.Text));
    }

    [Fact]
    public async Task DiscoverAsync_InSearchStage_ThrowsNamingTheStage()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => DiscoverAsync(served, new DiscoverRequest { Stage = Stage.InSearch }));

        Assert.Equal("stage", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public async Task DiscoverAsync_SectionNotOfferedAtTheStage_ThrowsNamingTheSection()
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);
        var request = new DiscoverRequest { Stage = Stage.BeforeSearch, Sections = { SectionKind.Hot, SectionKind.Related } };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => DiscoverAsync(served, request));

        Assert.Equal("sections[1]", Assert.Single(ex.Violations).Field);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(DiscoverHandler.MaxLimit + 1)]
    public async Task DiscoverAsync_LimitOutOfRange_ThrowsNamingTheLimit(int limit)
    {
        await using var served = await InMemoryPipeline.StartAsync(Index);

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => DiscoverAsync(served, new DiscoverRequest { Stage = Stage.BeforeSearch, Limit = limit }));

        Assert.Equal("limit", Assert.Single(ex.Violations).Field);
    }
}
