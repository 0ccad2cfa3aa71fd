using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using QueryRec.Api.HealthChecks;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.ServiceDefaults;

namespace QueryRec.FunctionalTests.Hosting;

/// <summary>
/// The container HEALTHCHECK probe (<c>QueryRec.Api --health-probe</c>) against real Kestrel servers on loopback:
/// one serving an index, one with no index (readiness NOT_SERVING), a port nobody listens on, and a listener that
/// accepts and never answers.
/// </summary>
public sealed class HealthProbeTests
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["probe one"] = 3 };

    [Fact]
    public async Task Probe_ServingServer_ExitsZero()
    {
        using var server = Start(QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("probe-v1", Counts)), out var address);
        await WaitForIndexAsync(address, "probe-v1");
        var output = new StringWriter();

        var code = await HealthProbe.RunAsync([HealthProbe.Argument, address], output);

        Assert.True(code == HealthProbe.Healthy, output.ToString());
        Assert.Contains("SERVING", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_NoIndexLoaded_ReadinessFailsButLivenessPasses()
    {
        using var server = Start(indexPath: "", out var address);
        var readiness = new StringWriter();
        var liveness = new StringWriter();

        var readinessCode = await HealthProbe.RunAsync([HealthProbe.Argument, address], readiness);
        var livenessCode = await HealthProbe.RunAsync([HealthProbe.Argument, address, ServiceDefaultsExtensions.LivenessServiceName], liveness);

        Assert.Equal(HealthProbe.Unhealthy, readinessCode);
        Assert.Contains("NotServing", readiness.ToString(), StringComparison.Ordinal);
        Assert.True(livenessCode == HealthProbe.Healthy, liveness.ToString());
    }

    [Fact]
    public async Task Probe_UnknownServiceName_ExitsOne()
    {
        using var server = Start(indexPath: "", out var address);
        var output = new StringWriter();

        var code = await HealthProbe.RunAsync([HealthProbe.Argument, address, "no.such.Service"], output);

        Assert.Equal(HealthProbe.Unhealthy, code);
        Assert.Contains("NotFound", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_NothingListening_ExitsOne()
    {
        var output = new StringWriter();

        var code = await HealthProbe.RunAsync([HealthProbe.Argument, $"http://127.0.0.1:{Loopback.FreePort()}"], output);

        Assert.Equal(HealthProbe.Unhealthy, code);
        Assert.Contains("Unavailable", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_ServerThatNeverAnswers_GivesUpAtTheDeadline()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await listener.AcceptSocketAsync());
                }
            }
            catch (SocketException)
            {
                // The listener stopped at the end of the test.
            }
            catch (ObjectDisposedException)
            {
                // Same.
            }
        });
        var output = new StringWriter();

        var code = await HealthProbe.RunAsync([HealthProbe.Argument, $"http://127.0.0.1:{port}"], output, TimeSpan.FromMilliseconds(500));

        listener.Stop();
        await accepting;
        accepted.ForEach(static s => s.Dispose());
        Assert.Equal(HealthProbe.Unhealthy, code);
        Assert.Contains("DeadlineExceeded", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:5080")]
    public async Task Probe_BadAddress_ExitsOneWithoutCalling(string address)
    {
        var output = new StringWriter();

        var code = await HealthProbe.RunAsync([HealthProbe.Argument, address], output);

        Assert.Equal(HealthProbe.Unhealthy, code);
        Assert.Contains("is not an http:// or https:// address", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The real entry point, as the Dockerfile's HEALTHCHECK runs it: the probe mode starts no server.</summary>
    [Fact]
    public async Task EntryPoint_HealthProbeArgument_ProbesAndExitsWithItsCode()
    {
        using var server = Start(QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("probe-v2", Counts)), out var address);
        await WaitForIndexAsync(address, "probe-v2");

        var (serving, servingOutput) = ApiProcess.RunUntilExit([HealthProbe.Argument, address]);
        var (unreachable, unreachableOutput) = ApiProcess.RunUntilExit([HealthProbe.Argument, $"http://127.0.0.1:{Loopback.FreePort()}"]);

        Assert.True(serving == HealthProbe.Healthy, servingOutput);
        Assert.True(unreachable == HealthProbe.Unhealthy, unreachableOutput);
    }

    private static QueryRecFactory Start(string indexPath, out string grpcAddress)
    {
        var grpcPort = Loopback.FreePort();
        grpcAddress = $"http://127.0.0.1:{grpcPort}";
        return QueryRecFactory.StartOnKestrel(grpcPort, Loopback.FreePort(), new() { ["QueryRec:Store:IndexPath"] = indexPath });
    }

    private static async Task WaitForIndexAsync(string address, string version)
    {
        using var channel = GrpcChannel.ForAddress(address);
        await Polling.ForIndexAsync(new QueryRecService.QueryRecServiceClient(channel), version, TimeSpan.FromSeconds(30));
    }
}
