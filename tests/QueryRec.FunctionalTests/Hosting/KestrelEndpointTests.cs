using System.Net;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Hosting;

/// <summary>
/// The real Kestrel server on loopback with the two endpoints of appsettings.json: h2c-only for gRPC,
/// HTTP/1.1+2 for gRPC-Web and health.
/// </summary>
public sealed class KestrelEndpointTests : IDisposable
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["xbox 360"] = 9, ["xbox one"] = 4 };
    private readonly QueryRecFactory _factory;
    private readonly int _grpcPort = Loopback.FreePort();
    private readonly int _webPort = Loopback.FreePort();

    public KestrelEndpointTests()
    {
        _factory = QueryRecFactory.StartOnKestrel(_grpcPort, _webPort, new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("kestrel-v1", Counts)),
        });
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task GrpcEndpoint_H2cPriorKnowledge_AnswersSuggest()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpcPort}");
        var client = new QueryRecService.QueryRecServiceClient(channel);

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "xb" });

        Assert.Equal(["xbox 360", "xbox one"], response.Items.Select(i => i.Text));
        Assert.Equal("kestrel-v1", response.Metadata.IndexVersion);
    }

    [Fact]
    public async Task WebEndpoint_GrpcWebOverHttp11_AnswersSuggest()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_webPort}", new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        var client = new QueryRecService.QueryRecServiceClient(channel);

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "xbox o" });

        Assert.Equal(["xbox one"], response.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task WebEndpoint_Http11Health_IsReady()
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version11 };

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_webPort}/healthz/ready"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
    }
}
