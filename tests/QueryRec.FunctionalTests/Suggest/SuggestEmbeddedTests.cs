using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Suggest;

public sealed class SuggestEmbeddedTests : IClassFixture<SuggestEmbeddedTests.Host>
{
    internal static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 120,
        ["gears of war"] = 80,
        ["gears of war 2"] = 45,
        ["gear head"] = 45,
        ["geforce gtx"] = 30,
        ["halo reach"] = 200,
        ["halo 3"] = 150,
        ["手机"] = 90,
        ["手机壳"] = 60,
        ["手表"] = 20,
    };

    private readonly Host _host;

    public SuggestEmbeddedTests(Host host) => _host = host;

    public sealed class Host : IDisposable
    {
        public Host()
        {
            IndexPath = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-embedded-1", Counts));
            Factory = QueryRecFactory.Embedded(IndexPath);
            Client = Factory.CreateClient(Factory.CreateChannel());
        }

        public string IndexPath { get; }

        public QueryRecFactory Factory { get; }

        public QueryRecService.QueryRecServiceClient Client { get; }

        public void Dispose() => Factory.Dispose();
    }

    [Theory]
    [InlineData("gea")]
    [InlineData("gears of war")]
    [InlineData("h")]
    [InlineData("手")]
    [InlineData("手机")]
    public async Task Suggest_KnownPrefix_ReturnsCompletionsByPopularity(string prefix)
    {
        var response = await _host.Client.SuggestAsync(new SuggestRequest { Prefix = prefix });

        Assert.Equal(TestIndexes.ExpectedTop(Counts, prefix, 10), response.Items.Select(i => i.Text));
        Assert.All(response.Items, i => Assert.Equal(Counts[i.Text], i.Score));
        Assert.All(response.Items, i => Assert.Contains(Source.Prefix, i.Sources));
    }

    [Fact]
    public async Task Suggest_AnyAnswer_CarriesIndexVersionAndIsNotDegraded()
    {
        var response = await _host.Client.SuggestAsync(new SuggestRequest { Prefix = "ha" });

        Assert.Equal("v-embedded-1", response.Metadata.IndexVersion);
        Assert.False(response.Metadata.Degraded);
        Assert.Empty(response.Metadata.DegradedReasons);
        Assert.False(string.IsNullOrEmpty(response.Metadata.ModelVersion));
        Assert.False(string.IsNullOrEmpty(response.Metadata.RequestId));
    }

    [Fact]
    public async Task Suggest_Limit_CapsTheNumberOfItems()
    {
        var response = await _host.Client.SuggestAsync(new SuggestRequest { Prefix = "ge", Limit = 2 });

        Assert.Equal(TestIndexes.ExpectedTop(Counts, "ge", 2), response.Items.Select(i => i.Text));
    }

    [Theory]
    [InlineData("  GEA")]
    [InlineData("ＧＥＡ")] // full-width
    [InlineData("Gea")]
    public async Task Suggest_UnnormalizedPrefix_MatchesNormalizedIndex(string prefix)
    {
        var response = await _host.Client.SuggestAsync(new SuggestRequest { Prefix = prefix });

        Assert.Equal(TestIndexes.ExpectedTop(Counts, "gea", 10), response.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task Suggest_TrailingSpace_KeepsWordBoundary()
    {
        var response = await _host.Client.SuggestAsync(new SuggestRequest { Prefix = "gear " });

        Assert.Equal(["gear head"], response.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task Suggest_UnknownPrefix_ReturnsNoItems()
    {
        var response = await _host.Client.SuggestAsync(new SuggestRequest { Prefix = "zzz" });

        Assert.Empty(response.Items);
        Assert.Equal("v-embedded-1", response.Metadata.IndexVersion);
    }

    [Fact]
    public async Task Suggest_OverGrpcWeb_ReturnsSameAnswer()
    {
        var webClient = _host.Factory.CreateClient(_host.Factory.CreateGrpcWebChannel());

        var response = await webClient.SuggestAsync(new SuggestRequest { Prefix = "gea" });

        Assert.Equal(TestIndexes.ExpectedTop(Counts, "gea", 10), response.Items.Select(i => i.Text));
    }

    public static TheoryData<SuggestRequest, string> InvalidRequests => new()
    {
        { new SuggestRequest { Prefix = "" }, "prefix" },
        { new SuggestRequest { Prefix = "   " }, "prefix" },
        { new SuggestRequest { Prefix = "\u0001\u0002" }, "prefix" },
        { new SuggestRequest { Prefix = new string('a', 101) }, "prefix" },
        { new SuggestRequest { Prefix = "ge", Limit = 51 }, "limit" },
        { new SuggestRequest { Prefix = "ge", Limit = -1 }, "limit" },
        { new SuggestRequest { Prefix = "ge", Stage = (Stage)99 }, "stage" },
        { new SuggestRequest { Prefix = "ge", Scene = (Scene)42 }, "scene" },
        { new SuggestRequest { Prefix = "ge", UserId = new string('u', 129) }, "user_id" },
        { new SuggestRequest { Prefix = "ge", DeviceId = new string('d', 129) }, "device_id" },
        { new SuggestRequest { Prefix = "ge", Context = new PageContext { ItemId = new string('i', 129) } }, "context.item_id" },
        { new SuggestRequest { Prefix = "ge", Context = new PageContext { CategoryId = new string('c', 129) } }, "context.category_id" },
        { new SuggestRequest { Prefix = "ge", Context = new PageContext { Query = new string('q', 257) } }, "context.query" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Suggest_InvalidField_ReturnsInvalidArgumentNamingTheField(SuggestRequest request, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _host.Client.SuggestAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        var violation = Assert.Single(badRequest.FieldViolations);
        Assert.Equal(field, violation.Field);
        Assert.False(string.IsNullOrWhiteSpace(violation.Description));
    }

    [Fact]
    public async Task Suggest_SeveralInvalidFields_ReportsEveryViolation()
    {
        var request = new SuggestRequest { Prefix = "", Limit = 500, Stage = (Stage)7 };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _host.Client.SuggestAsync(request));

        var fields = ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).Order().ToList();
        Assert.Equal(["limit", "prefix", "stage"], fields);
    }

    [Fact]
    public async Task Suggest_MaximalValidRequest_IsAccepted()
    {
        var request = new SuggestRequest
        {
            Prefix = "g" + new string(' ', 98) + "e",
            Limit = 50,
            UserId = new string('u', 128),
            DeviceId = new string('d', 128),
            Stage = Stage.InSearch,
            Scene = Scene.Item,
            Context = new PageContext { Query = new string('q', 256), ItemId = new string('i', 128), CategoryId = new string('c', 128) },
        };

        var response = await _host.Client.SuggestAsync(request);

        Assert.Empty(response.Items); // "g e" matches nothing, but the request is valid
    }

    [Fact]
    public async Task Suggest_SaysWhichStrategyRan()
    {
        var response = await _host.Client.SuggestAsync(new SuggestRequest { Prefix = "g" });

        Assert.Equal("suggest-v1", response.Metadata.Strategy);
    }

    [Fact]
    public async Task GetShadingWords_WithAnEmptyRequest_AnswersWithItsStrategy()
    {
        var response = await _host.Client.GetShadingWordsAsync(new GetShadingWordsRequest());

        Assert.Equal("shading-words-v1", response.Metadata.Strategy);
        Assert.True(response.RotationIntervalSeconds > 0);
    }

    [Fact]
    public async Task Discover_WithoutStage_IsInvalidArgumentNamingStage()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _host.Client.DiscoverAsync(new DiscoverRequest()));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("stage", ex.Status.Detail, StringComparison.Ordinal);
    }
}
