using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;
using Xunit;

namespace QueryRec.TestSupport;

/// <summary>
/// Starts a throw-away <c>redis-server</c> on a free loopback port (no automatic persistence) for a test class or
/// collection, and kills it on dispose. Tests share one server by giving every test its own key prefix
/// (<see cref="NewKeyPrefix"/>). Set <c>QUERYREC_REDIS_SERVER</c> to use another binary. Fault tests can
/// <see cref="KillAsync"/> the server and <see cref="RestartAsync"/> it on the same port; it reloads the RDB file
/// of its own directory, so data saved with <c>SAVE</c> before the kill comes back, as with a persistent Redis.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime, IDisposable
{
    private const string DefaultServerPath = "/usr/bin/redis-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _output = new();
    private Process? _process;
    private IConnectionMultiplexer? _redis;
    private string? _path;
    private string? _directory;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for the server (admin commands allowed).</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},allowAdmin=true,abortConnect=false";

    /// <summary>A multiplexer shared by the tests of the fixture, opened on start.</summary>
    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("The Redis server fixture is not started.");

    /// <summary>A unique key prefix such as <c>"t1a2b3c4d:"</c>, so tests sharing the server do not collide.</summary>
    public static string NewKeyPrefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    /// <summary>Opens a new multiplexer to the server (the caller disposes it).</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync()
        => await ConnectionMultiplexer.ConnectAsync(ConnectionString);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("QUERYREC_REDIS_SERVER") is { Length: > 0 } custom ? custom : DefaultServerPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"redis-server was not found at '{path}'. The integration tests need a real Redis: install it with `apt-get install -y redis-server` (or set QUERYREC_REDIS_SERVER to its path).");
        }

        // Each server has its own directory, so an RDB file saved by one is never loaded by another.
        _path = path;
        _directory = Directory.CreateTempSubdirectory("queryrec-redis-").FullName;

        // A free port can be taken between the probe and the bind: retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            Port = GetFreePort();
            _process = Start(path, Port, _directory);
            if (await WaitForPingAsync(_process, Port))
            {
                break;
            }

            Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {Port}. Output:{Environment.NewLine}{Output()}");
            }
        }

        _redis = await ConnectAsync();
    }

    /// <summary>Kills the server (SIGKILL, as a crash would); <see cref="Redis"/> stays open and reconnects after <see cref="RestartAsync"/>.</summary>
    public Task KillAsync()
    {
        Kill();
        return Task.CompletedTask;
    }

    /// <summary>Starts the server again on the same port and directory (it loads the RDB file saved there, if any).</summary>
    public async Task RestartAsync()
    {
        if (_path is null || _directory is null)
        {
            throw new InvalidOperationException("The Redis server fixture was never started.");
        }

        Kill();
        for (var attempt = 1; ; attempt++)
        {
            _process = Start(_path, Port, _directory);
            if (await WaitForPingAsync(_process, Port))
            {
                return;
            }

            Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not restart on port {Port}. Output:{Environment.NewLine}{Output()}");
            }

            await Task.Delay(200);
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

        Kill();
        DeleteDirectory();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _redis?.Dispose();
        _redis = null;
        Kill();
        DeleteDirectory();
    }

    private void DeleteDirectory()
    {
        var directory = _directory;
        _directory = null;
        try
        {
            if (directory is not null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private Process Start(string path, int port, string directory)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", directory,
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<bool> WaitForPingAsync(Process process, int port)
    {
        var deadline = Stopwatch.StartNew();
        var buffer = new byte[64];
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }
            catch (IOException)
            {
                // Closed while starting.
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static int GetFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }
}
