using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// The real API on loopback with an h2c endpoint and an HTTP/1.1 endpoint (gRPC-Web), serving the small game index,
/// shared by the malformed-message tests.
/// </summary>
public sealed class MalformedMessageServer : IAsyncLifetime
{
    private LoopbackApi? _api;

    internal LoopbackApi Api => _api ?? throw new InvalidOperationException("Not started.");

    /// <summary>Everything the server logged.</summary>
    internal LogCapture Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-malformed-1", TestIndexes.GameQueries()));
        _api = await LoopbackApi.StartAsync(new Dictionary<string, string?> { ["QueryRec:Store:IndexPath"] = index }, http1: true, Logs);
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}
