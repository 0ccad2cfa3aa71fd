using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace QueryRec.TestSupport;

/// <summary>
/// One <c>redis-server</c> child process started by a test fixture: its arguments, its captured output, a bounded wait
/// for it to answer, and a kill. Shared by <see cref="RedisServerFixture"/> (one server) and
/// <see cref="RedisClusterFixture"/> (three cluster masters).
/// </summary>
internal sealed class RedisProcess : IDisposable
{
    /// <summary>How long a server may take to answer PING after it is started.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private const string DefaultServerPath = "/usr/bin/redis-server";

    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private RedisProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The redis-server binary: <c>QUERYREC_REDIS_SERVER</c> when set, else /usr/bin/redis-server; throws with the
    /// install command when it is missing.
    /// </summary>
    public static string ServerPath()
    {
        var path = Environment.GetEnvironmentVariable("QUERYREC_REDIS_SERVER") is { Length: > 0 } custom ? custom : DefaultServerPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"redis-server was not found at '{path}'. The integration tests need a real Redis: install it with `apt-get install -y redis-server` (or set QUERYREC_REDIS_SERVER to its path).");
        }

        return path;
    }

    /// <summary>Starts <paramref name="path"/> in the foreground with <paramref name="arguments"/>, capturing its output.</summary>
    public static RedisProcess Start(string path, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var started = new RedisProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>
    /// Starts a server on a free loopback port (chosen by <see cref="GetFreePort"/>, with <paramref name="arguments"/>
    /// given that port) until <paramref name="isReady"/> says it serves; a port taken between the probe and the bind
    /// is retried twice. Throws with the server's output when it never comes up.
    /// </summary>
    public static async Task<(RedisProcess Process, int Port)> StartOnFreePortAsync(
        string path, Func<int, IEnumerable<string>> arguments, Func<RedisProcess, int, Task<bool>> isReady)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = GetFreePort();
            var process = Start(path, arguments(port));
            if (await isReady(process, port))
            {
                return (process, port);
            }

            var output = process.Output;
            process.Dispose();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not answer PING on port {port}. Output:{Environment.NewLine}{output}");
            }
        }
    }

    /// <summary>What the process wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Waits (at most <see cref="StartTimeout"/>) until the server on <paramref name="port"/> answers PING with PONG
    /// (or with -NOAUTH, which also says it is up). False when the process exits or the time runs out.
    /// </summary>
    public async Task<bool> WaitForPingAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (HasExited)
            {
                return false;
            }

            try
            {
                var reply = await CommandAsync(port, "PING");
                if (reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
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

    /// <summary>
    /// Sends one inline command to the plain-text server on loopback <paramref name="port"/> and returns the raw
    /// reply: a status or error line, or the whole payload of a bulk string (such as <c>CLUSTER INFO</c>'s).
    /// </summary>
    public static async Task<string> CommandAsync(int port, params string[] command)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Join(' ', command) + "\r\n"), timeout.Token);
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return reply.ToString();
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var text = reply.ToString();
            var endOfLine = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (endOfLine < 0)
            {
                continue;
            }

            if (text[0] != '$')
            {
                return text;
            }

            var length = int.Parse(text.AsSpan(1, endOfLine - 1), CultureInfo.InvariantCulture);
            if (length < 0)
            {
                return string.Empty;
            }

            if (text.Length >= endOfLine + 2 + length)
            {
                return text.Substring(endOfLine + 2, length);
            }
        }
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int GetFreePort()
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

    /// <summary>Deletes a fixture's temp directory; one left behind is harmless.</summary>
    public static void DeleteDirectory(string? directory)
    {
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

    /// <summary>Kills the server (SIGKILL, as a crash would) and waits for it to exit.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
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
}
