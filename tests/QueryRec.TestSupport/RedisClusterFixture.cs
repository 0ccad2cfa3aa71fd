using System.Diagnostics;
using System.Globalization;
using System.Net;
using StackExchange.Redis;
using Xunit;

namespace QueryRec.TestSupport;

/// <summary>
/// Starts a throw-away Redis Cluster of three masters (no replicas, no persistence) on free loopback ports for a test
/// class or collection: three <c>redis-server --cluster-enabled yes</c>, joined with
/// <c>redis-cli --cluster create … --cluster-replicas 0 --cluster-yes</c>; it waits until every node reports
/// <c>cluster_state:ok</c>, and on dispose kills the nodes and deletes their directory. Clients connect with
/// <see cref="ConnectionString"/> (the three seed endpoints, as an operator would configure them).
/// Set <c>QUERYREC_REDIS_SERVER</c> / <c>QUERYREC_REDIS_CLI</c> to use other binaries.
/// </summary>
public sealed class RedisClusterFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The number of masters (the minimum Redis Cluster accepts).</summary>
    public const int MasterCount = 3;

    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisProcess> _nodes = [];
    private IConnectionMultiplexer? _redis;
    private string? _directory;
    private string? _cli;

    /// <summary>The client ports of the masters.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>The seed endpoints, <c>127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3</c>: what <c>QueryRec:Store:Redis</c> and <c>--redis</c> take.</summary>
    public string ConnectionString => string.Join(',', Ports.Select(static p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A cluster multiplexer shared by the tests of the fixture (admin commands allowed), opened on start.</summary>
    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("The Redis cluster fixture is not started.");

    /// <summary>The three masters, for per-node commands (DBSIZE, FLUSHDB, CLUSTER …).</summary>
    public IReadOnlyList<IServer> Masters => [.. Ports.Select(p => Redis.GetServer(new IPEndPoint(IPAddress.Loopback, p)))];

    /// <summary>Deletes every key on every master (FLUSHDB on each: on a cluster one node only holds its own slots).</summary>
    public async Task FlushAllAsync()
    {
        await Task.WhenAll(Masters.Select(static m => m.FlushDatabaseAsync()));
    }

    /// <summary>The number of keys each master holds (DBSIZE), in the order of <see cref="Ports"/>.</summary>
    public async Task<long[]> KeysPerMasterAsync()
        => await Task.WhenAll(Masters.Select(static m => m.DatabaseSizeAsync()));

    /// <summary>
    /// Moves <paramref name="slots"/> hash slots, with their keys, from master <paramref name="from"/> to master
    /// <paramref name="to"/> (indexes into <see cref="Ports"/>) with <c>redis-cli --cluster reshard</c>, as an operator
    /// rebalancing the cluster would. Clients then get MOVED for those slots, and ASK while a slot is migrating.
    /// </summary>
    public async Task ReshardAsync(int from, int to, int slots)
    {
        var cli = _cli ?? throw new InvalidOperationException("The Redis cluster fixture is not started.");
        var fromId = await RedisProcess.CommandAsync(Ports[from], "CLUSTER", "MYID");
        var toId = await RedisProcess.CommandAsync(Ports[to], "CLUSTER", "MYID");
        await RunCliAsync(cli, "reshard",
        [
            "--cluster", "reshard", "127.0.0.1:" + Ports[from].ToString(CultureInfo.InvariantCulture),
            "--cluster-from", fromId,
            "--cluster-to", toId,
            "--cluster-slots", slots.ToString(CultureInfo.InvariantCulture),
            "--cluster-yes",
        ]);
        await WaitForClusterOkAsync(Ports);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // Started again: stop the previous nodes first, so none outlives the test run.
        await DisposeAsync();
        var server = RedisProcess.ServerPath();
        var cli = CliPath(server);
        _cli = cli;
        var directory = Directory.CreateTempSubdirectory("queryrec-redis-cluster-").FullName;
        _directory = directory;

        var ports = new List<int>();
        for (var i = 0; i < MasterCount; i++)
        {
            // The cluster bus gets its own free port (the default, port + 10000, may be taken or above 65535).
            var (node, port) = await RedisProcess.StartOnFreePortAsync(
                server,
                port => NodeArguments(port, RedisProcess.GetFreePort(), directory),
                static (process, port) => process.WaitForPingAsync(port));
            _nodes.Add(node);
            ports.Add(port);
        }

        Ports = ports;
        await CreateClusterAsync(cli, ports);
        await WaitForClusterOkAsync(ports);

        var options = ConfigurationOptions.Parse(ConnectionString + ",allowAdmin=true,abortConnect=false");
        _redis = await ConnectionMultiplexer.ConnectAsync(options);
        foreach (var master in Masters)
        {
            if (master.ServerType != ServerType.Cluster)
            {
                throw new InvalidOperationException($"The client sees {master.EndPoint} as {master.ServerType}, not as a cluster node.");
            }
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
            _redis = null;
        }

        Stop();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _redis?.Dispose();
        _redis = null;
        Stop();
    }

    private void Stop()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        _nodes.Clear();
        var directory = _directory;
        _directory = null;
        RedisProcess.DeleteDirectory(directory);
    }

    private static string[] NodeArguments(int port, int busPort, string directory)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        return
        [
            "--port", p,
            "--cluster-enabled", "yes",
            "--cluster-port", busPort.ToString(CultureInfo.InvariantCulture),
            "--cluster-config-file", "nodes-" + p + ".conf",
            "--dir", directory,
            "--save", string.Empty,
            "--appendonly", "no",
            "--bind", "127.0.0.1",
            "--daemonize", "no",
        ];
    }

    /// <summary>redis-cli: <c>QUERYREC_REDIS_CLI</c>, else beside redis-server, else /usr/bin (package redis-tools, a dependency of redis-server).</summary>
    private static string CliPath(string serverPath)
    {
        if (Environment.GetEnvironmentVariable("QUERYREC_REDIS_CLI") is { Length: > 0 } custom)
        {
            return File.Exists(custom) ? custom : throw new InvalidOperationException($"QUERYREC_REDIS_CLI '{custom}' does not exist.");
        }

        foreach (var candidate in new[] { Path.Combine(Path.GetDirectoryName(serverPath) ?? string.Empty, "redis-cli"), "/usr/bin/redis-cli" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "redis-cli was not found beside redis-server nor in /usr/bin. The Redis Cluster tests need it to create the cluster: install it with `apt-get install -y redis-tools` (redis-server depends on it), or set QUERYREC_REDIS_CLI.");
    }

    private static Task CreateClusterAsync(string cli, IReadOnlyList<int> ports)
        => RunCliAsync(cli, "create",
        [
            "--cluster", "create",
            .. ports.Select(static p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)),
            "--cluster-replicas", "0",
            "--cluster-yes",
        ]);

    /// <summary>Runs <c>redis-cli</c> (bounded by <see cref="ClusterTimeout"/>); throws with its output when it fails.</summary>
    private static async Task RunCliAsync(string cli, string what, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {cli}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ClusterTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"redis-cli --cluster {what} did not finish within {ClusterTimeout.TotalSeconds:0} s. Output:{Environment.NewLine}{await output}{await error}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"redis-cli --cluster {what} exited {process.ExitCode}. Output:{Environment.NewLine}{await output}{await error}");
        }
    }

    /// <summary>Waits (bounded) until every node says <c>cluster_state:ok</c> and knows all the masters.</summary>
    private static async Task WaitForClusterOkAsync(IReadOnlyList<int> ports)
    {
        var deadline = Stopwatch.StartNew();
        var last = new string[ports.Count];
        while (true)
        {
            var ok = true;
            for (var i = 0; i < ports.Count; i++)
            {
                last[i] = await RedisProcess.CommandAsync(ports[i], "CLUSTER", "INFO");
                ok &= last[i].Contains("cluster_state:ok", StringComparison.Ordinal)
                    && last[i].Contains("cluster_known_nodes:" + MasterCount.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            if (ok)
            {
                return;
            }

            if (deadline.Elapsed > ClusterTimeout)
            {
                var report = string.Join(Environment.NewLine, ports.Select((p, i) => $"node {p}: {last[i].Replace("\r\n", " ", StringComparison.Ordinal)}"));
                throw new InvalidOperationException(
                    $"The Redis cluster did not reach cluster_state:ok on every node within {ClusterTimeout.TotalSeconds:0} s.{Environment.NewLine}{report}");
            }

            await Task.Delay(100);
        }
    }
}
