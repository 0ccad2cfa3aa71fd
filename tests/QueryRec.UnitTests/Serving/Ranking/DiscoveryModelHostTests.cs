using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Serving.Ranking;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class DiscoveryModelHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DiscoveryModelHost Host(string? path)
        => new(new FixedOptionsMonitor<DiscoveryRankingOptions>(new DiscoveryRankingOptions { ModelPath = path }), new FakeTimeProvider(), NullLogger<DiscoveryModelHost>.Instance);

    [Fact]
    public void Acquire_NoModelConfigured_NoModelAndNotUnavailable()
    {
        using var host = Host(null);

        Assert.Null(host.Acquire(out var unavailable));
        Assert.False(unavailable);
    }

    [Fact]
    public void Acquire_MissingFile_Unavailable()
    {
        using var host = Host(_dir.File("missing.onnx"));

        Assert.Null(host.Acquire(out var unavailable));
        Assert.True(unavailable);
    }

    [Fact]
    public void Acquire_NotAnOnnxFile_RefusedAndUnavailable()
    {
        var path = _dir.WriteLines("broken.onnx", "not a model");
        using var host = Host(path);

        Assert.Null(host.Acquire(out var unavailable));
        Assert.True(unavailable);
    }
}
