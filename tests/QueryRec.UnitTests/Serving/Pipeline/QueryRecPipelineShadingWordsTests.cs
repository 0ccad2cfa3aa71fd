using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Pipeline;
using QueryRec.Storage;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// GetShadingWords through <see cref="QueryRecPipeline.GetShadingWordsAsync"/> on the pipeline composed by
/// AddQueryRecServing over an in-memory index of a plain query list (see <see cref="InMemoryPipeline"/>), on a fake
/// clock so that the rotation slots are the test's: an anonymous caller's words are the global hot list (the queries
/// by search count), rotated through a pool of the best <c>RotationPoolFactor × limit</c>.
/// </summary>
public sealed class QueryRecPipelineShadingWordsTests
{
    private const int RotationSeconds = 60;
    private const int PoolFactor = 3;

    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 100, ["gears of war"] = 90, ["gear head"] = 80, ["geforce"] = 70, ["gta 5"] = 60,
        ["连衣裙"] = 55, ["halo reach"] = 50, ["手机壳"] = 45, ["halo 3"] = 40, ["hand"] = 30, ["xbox 360"] = 20, ["xbox one"] = 10,
    };

    private static readonly IndexBuild Index = InMemoryPipeline.BuildIndex(Counts);

    private static readonly Dictionary<string, string?> Settings = new(StringComparer.Ordinal)
    {
        ["QueryRec:Strategies:RotationIntervalSeconds"] = RotationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["QueryRec:Strategies:RotationPoolFactor"] = PoolFactor.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The start of a rotation slot.</summary>
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_780_000_000 / RotationSeconds * RotationSeconds));

    private static List<string> MostSearched(int limit)
        => [.. Counts.OrderByDescending(static p => p.Value).ThenBy(static p => p.Key, StringComparer.Ordinal).Take(limit).Select(static p => p.Key)];

    private Task<InMemoryPipeline> StartAsync()
        => InMemoryPipeline.StartAsync(Index, Settings, services => services.AddSingleton<TimeProvider>(_time));

    private static Task<GetShadingWordsResponse> ShadingWordsAsync(InMemoryPipeline served, GetShadingWordsRequest request)
        => served.Pipeline.GetShadingWordsAsync(request, PipelineCall.Unbounded, CancellationToken.None);

    [Fact]
    public async Task GetShadingWordsAsync_ConsecutiveRotationSlots_ShowThePoolOfTheMostSearchedInTurn()
    {
        const int limit = 2;
        await using var served = await StartAsync();
        var shown = new List<List<string>>();

        for (var slot = 0; slot < PoolFactor; slot++)
        {
            var response = await ShadingWordsAsync(served, new GetShadingWordsRequest { Stage = Stage.BeforeSearch, Limit = limit });
            Assert.Equal(RotationSeconds, response.RotationIntervalSeconds);
            Assert.False(response.Metadata.Degraded);
            Assert.Equal(Index.Version, response.Metadata.IndexVersion);
            shown.Add([.. response.Items.Select(static i => i.Text)]);
            _time.Advance(TimeSpan.FromSeconds(RotationSeconds));
        }

        // Each slot shows `limit` words; the slots of one turn show every word of the pool once.
        Assert.All(shown, words => Assert.Equal(limit, words.Count));
        Assert.Equal(MostSearched(PoolFactor * limit).Order(StringComparer.Ordinal), shown.SelectMany(static w => w).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetShadingWordsAsync_SameCallerSameSlot_SameWords_AndTheNextTurnStartsOver()
    {
        await using var served = await StartAsync();
        var request = new GetShadingWordsRequest { Stage = Stage.BeforeSearch, Limit = 2, UserId = "u:7" };

        var first = await ShadingWordsAsync(served, request);
        _time.Advance(TimeSpan.FromSeconds(RotationSeconds - 1));
        var sameSlot = await ShadingWordsAsync(served, request);
        _time.Advance(TimeSpan.FromSeconds(1 + ((PoolFactor - 1) * RotationSeconds)));
        var nextTurn = await ShadingWordsAsync(served, request);

        Assert.Equal(first.Items.Select(static i => i.Text), sameSlot.Items.Select(static i => i.Text));
        Assert.Equal(first.Items.Select(static i => i.Text), nextTurn.Items.Select(static i => i.Text));
        Assert.Subset(MostSearched(PoolFactor * 2).ToHashSet(), first.Items.Select(static i => i.Text).ToHashSet());
    }

    [Fact]
    public async Task GetShadingWordsAsync_InSearchStage_ThrowsNamingTheStage()
    {
        await using var served = await StartAsync();

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => ShadingWordsAsync(served, new GetShadingWordsRequest { Stage = Stage.InSearch }));

        Assert.Equal("stage", Assert.Single(ex.Violations).Field);
    }

    [Fact]
    public async Task GetShadingWordsAsync_LimitOverTheMaximum_ThrowsNamingTheLimit()
    {
        await using var served = await StartAsync();
        var request = new GetShadingWordsRequest { Stage = Stage.BeforeSearch, Limit = ShadingWordsHandler.MaxLimit + 1 };

        var ex = await Assert.ThrowsAsync<InvalidRequestException>(() => ShadingWordsAsync(served, request));

        Assert.Equal("limit", Assert.Single(ex.Violations).Field);
    }
}
