using System.Net;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Storefront;

/// <summary>
/// The storefront's static files on the real Kestrel endpoints: served over HTTP/1.1 on the Web endpoint with the right
/// content types, byte for byte the committed bundle; the h2c-only gRPC endpoint does not speak HTTP/1.1 at all.
/// </summary>
public sealed class StorefrontServingTests : IDisposable
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["xbox 360"] = 9 };
    private readonly QueryRecFactory _factory;
    private readonly int _grpcPort = Loopback.FreePort();
    private readonly int _webPort = Loopback.FreePort();
    private readonly HttpClient _http = new()
    {
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public StorefrontServingTests()
    {
        _factory = QueryRecFactory.StartOnKestrel(_grpcPort, _webPort, new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("static-v1", Counts)),
        });
    }

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }

    [Theory]
    [InlineData("/", "index.html", "text/html")]
    [InlineData("/index.html", "index.html", "text/html")]
    [InlineData("/app.js", "app.js", "text/javascript")]
    [InlineData("/app.css", "app.css", "text/css")]
    public async Task WebEndpoint_Http11_ServesTheCommittedPageFiles(string path, string file, string contentType)
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{_webPort}{path}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        var committed = await File.ReadAllBytesAsync(Path.Combine(NodeTools.RepoRoot, "src", "QueryRec.Api", "wwwroot", file));
        Assert.Equal(committed, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task WebEndpoint_Page_LoadsItsBundleAndStylesheet()
    {
        var html = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{_webPort}/"));

        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"stylesheet\" href=\"app.css\">", html, StringComparison.Ordinal);
        Assert.Contains("role=\"combobox\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebEndpoint_About_StaysAPlainTextAnswer()
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{_webPort}/about"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("queryrec.v1.QueryRecService", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebEndpoint_UnknownFile_IsNotFound()
    {
        using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{_webPort}/no-such-file.js"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GrpcEndpoint_Http11Request_IsNotServed()
    {
        // The h2c endpoint only speaks HTTP/2 with prior knowledge: a browser's HTTP/1.1 request gets no page there.
        var failed = false;
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{_grpcPort}/"));
            failed = !response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            failed = true;
        }

        Assert.True(failed, "an HTTP/1.1 GET / on the h2c endpoint must not be answered with the page");
    }

    [Fact]
    public async Task StorefrontDisabled_ServesNoPage_KeepsAboutAndGrpcWeb()
    {
        var webPort = Loopback.FreePort();
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("static-off-v1", Counts)),
            ["QueryRec:Storefront:Enabled"] = "false",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{Loopback.FreePort()}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{webPort}",
        });
        factory.UseKestrel();
        factory.StartServer();

        using var page = await _http.GetAsync(new Uri($"http://127.0.0.1:{webPort}/"));
        using var bundle = await _http.GetAsync(new Uri($"http://127.0.0.1:{webPort}/app.js"));
        using var about = await _http.GetAsync(new Uri($"http://127.0.0.1:{webPort}/about"));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bundle.StatusCode);
        Assert.Equal(HttpStatusCode.OK, about.StatusCode);
    }
}
