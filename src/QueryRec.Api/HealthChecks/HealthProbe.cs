using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using QueryRec.ServiceDefaults;

namespace QueryRec.Api.HealthChecks;

/// <summary>
/// <c>QueryRec.Api --health-probe [address] [service]</c>: calls <c>grpc.health.v1.Health/Check</c> on a running
/// server's h2c endpoint and exits 0 only when it answers SERVING. It is the container HEALTHCHECK of an image that
/// has no shell and no curl (deploy/Dockerfile); no host is built and no port is opened in this mode. Every failure
/// (NOT_SERVING, unknown service, refused connection, timeout, bad arguments) exits 1, Docker's "unhealthy".
/// </summary>
public static class HealthProbe
{
    /// <summary>The first argument that selects the probe mode.</summary>
    public const string Argument = "--health-probe";

    /// <summary>The address probed when none is given: the local gRPC endpoint of the container.</summary>
    public const string DefaultAddress = "http://127.0.0.1:5080";

    /// <summary>Exit code of a SERVING answer.</summary>
    public const int Healthy = 0;

    /// <summary>Exit code of every other outcome.</summary>
    public const int Unhealthy = 1;

    /// <summary>How long the probe waits for the answer, connection included.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    /// <summary>True when <paramref name="args"/> ask for the probe rather than the server.</summary>
    public static bool IsRequested(IReadOnlyList<string> args) => args.Count > 0 && args[0] == Argument;

    /// <summary>
    /// Parses <c>--health-probe [address] [service]</c> (service: empty for readiness, the default, or
    /// <see cref="ServiceDefaultsExtensions.LivenessServiceName"/>), probes and writes one line saying what it saw.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (!IsRequested(args) || args.Count > 3)
        {
            await output.WriteLineAsync($"usage: {Argument} [http://host:port] [service]");
            return Unhealthy;
        }

        var text = args.Count > 1 ? args[1] : DefaultAddress;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            await output.WriteLineAsync($"health probe: '{text}' is not an http:// or https:// address");
            return Unhealthy;
        }

        var service = args.Count > 2 ? args[2] : string.Empty;
        var (code, message) = await CheckAsync(address, service, timeout ?? DefaultTimeout, TimeProvider.System, cancellationToken);
        await output.WriteLineAsync(message);
        return code;
    }

    /// <summary>Checks <paramref name="service"/> at <paramref name="address"/> within <paramref name="timeout"/>.</summary>
    internal static async Task<(int ExitCode, string Message)> CheckAsync(
        Uri address, string service, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var name = service.Length == 0 ? "\"\" (readiness)" : $"\"{service}\"";
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectTimeout = timeout },
            DisposeHttpClient = true,
            MaxRetryAttempts = 0,
        });
        var client = new Health.HealthClient(channel);
        try
        {
            var deadline = time.GetUtcNow().UtcDateTime + timeout;
            var response = await client.CheckAsync(new HealthCheckRequest { Service = service }, deadline: deadline, cancellationToken: cancellationToken);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? (Healthy, $"health probe: {address} {name} is SERVING")
                : (Unhealthy, $"health probe: {address} {name} is {response.Status}");
        }
        catch (RpcException e)
        {
            return (Unhealthy, $"health probe: {address} {name} failed: {e.StatusCode} {e.Status.Detail}");
        }
    }
}
