using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
    private RedisProcess? _process;
    private IConnectionMultiplexer? _redis;
    private string? _path;
    private string? _directory;

    /// <summary>The loopback port the server listens on (the TLS port when <see cref="Tls"/> is on).</summary>
    public int Port { get; private set; }

    /// <summary>Optional: the server requires this password for the default user (<c>requirepass</c>).</summary>
    public string? Password { get; init; }

    /// <summary>Optional: an ACL user with every permission, as (name, password).</summary>
    public (string Name, string Password)? AclUser { get; init; }

    /// <summary>
    /// Optional: the server speaks only TLS, with a certificate for "localhost" and 127.0.0.1 issued by a throw-away CA
    /// made with openssl (<see cref="CaCertificatePath"/>); the plain port is off.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>With <see cref="Tls"/>: the server also requires a client certificate issued by the CA (<c>tls-auth-clients yes</c>).</summary>
    public bool TlsClientCertificateRequired { get; init; }

    /// <summary>With <see cref="Tls"/>: the PEM certificate of the CA that issued the server's and the client's certificates.</summary>
    public string? CaCertificatePath { get; private set; }

    /// <summary>With <see cref="Tls"/>: a PEM client certificate issued by the CA, and its key.</summary>
    public (string Certificate, string Key)? ClientCertificate { get; private set; }

    /// <summary>
    /// A StackExchange.Redis configuration string for the server (admin commands allowed), with the password and
    /// TLS settings when the fixture has them (the CA is not in it: connect with <see cref="ConnectAsync"/> or add it).
    /// </summary>
    public string ConnectionString => $"{(Tls ? "localhost" : "127.0.0.1")}:{Port.ToString(CultureInfo.InvariantCulture)},allowAdmin=true,abortConnect=false"
        + (Password is null ? string.Empty : ",password=" + Password)
        + (Tls ? ",ssl=true,sslHost=localhost" : string.Empty);

    /// <summary>A multiplexer shared by the tests of the fixture, opened on start.</summary>
    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("The Redis server fixture is not started.");

    /// <summary>A unique key prefix such as <c>"t1a2b3c4d:"</c>, so tests sharing the server do not collide.</summary>
    public static string NewKeyPrefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    /// <summary>Opens a new multiplexer to the server (the caller disposes it).</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        if (CaCertificatePath is not null)
        {
            options.TrustIssuer(CaCertificatePath);
        }

        if (ClientCertificate is { } client)
        {
            var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(client.Certificate, client.Key);
            options.CertificateSelection += (_, _, _, _, _) => certificate;
        }

        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // Tests that want a fresh server call this again on their class fixture: stop the previous server first, or
        // it outlives the test run (an orphaned redis-server per call).
        await DisposeAsync();
        var path = RedisProcess.ServerPath();

        // Each server has its own directory, so an RDB file saved by one is never loaded by another.
        _path = path;
        var directory = Directory.CreateTempSubdirectory("queryrec-redis-").FullName;
        _directory = directory;

        if (Tls)
        {
            CreateCertificates();
        }

        (_process, Port) = await RedisProcess.StartOnFreePortAsync(path, port => Arguments(port, directory), WaitForPingAsync);

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
            _process = RedisProcess.Start(_path, Arguments(Port, _directory));
            if (await WaitForPingAsync(_process, Port))
            {
                return;
            }

            var output = _process.Output;
            Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not restart on port {Port}. Output:{Environment.NewLine}{output}");
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
        RedisProcess.DeleteDirectory(directory);
    }

    private IEnumerable<string> Arguments(int port, string directory)
    {
        string[] plain =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", directory,
        ];
        return plain.Concat(SecurityArguments(port));
    }

    /// <summary>The arguments for <see cref="Password"/>, <see cref="AclUser"/> and <see cref="Tls"/> (later ones override "--port").</summary>
    private IEnumerable<string> SecurityArguments(int port)
    {
        if (Password is not null)
        {
            yield return "--requirepass";
            yield return Password;
        }

        if (AclUser is { } user)
        {
            yield return "--user";
            yield return user.Name;
            yield return "on";
            yield return ">" + user.Password;
            yield return "~*";
            yield return "&*";
            yield return "+@all";
        }

        if (Tls)
        {
            var directory = Path.GetDirectoryName(CaCertificatePath)!;
            foreach (var argument in new[]
            {
                "--port", "0",
                "--tls-port", port.ToString(CultureInfo.InvariantCulture),
                "--tls-cert-file", Path.Combine(directory, "server.crt"),
                "--tls-key-file", Path.Combine(directory, "server.key"),
                "--tls-ca-cert-file", CaCertificatePath!,
                "--tls-auth-clients", TlsClientCertificateRequired ? "yes" : "no",
            })
            {
                yield return argument;
            }
        }
    }

    /// <summary>A throw-away CA, a server certificate for localhost and 127.0.0.1, and a client certificate, made with openssl.</summary>
    private void CreateCertificates()
    {
        var directory = TempDirectories.Create("queryrec-redis-tls-");
        string In(string name) => Path.Combine(directory, name);
        File.WriteAllText(In("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        File.WriteAllText(In("client.ext"), "extendedKeyUsage=clientAuth\n");
        OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", In("ca.key"), "-out", In("ca.crt"), "-days", "2", "-subj", "/CN=QueryRec test CA");
        foreach (var name in new[] { "server", "client" })
        {
            OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", In(name + ".key"), "-out", In(name + ".csr"), "-subj", name == "server" ? "/CN=localhost" : "/CN=queryrec-client");
            OpenSsl("x509", "-req", "-in", In(name + ".csr"), "-CA", In("ca.crt"), "-CAkey", In("ca.key"), "-CAcreateserial", "-out", In(name + ".crt"), "-days", "2", "-extfile", In(name + ".ext"));
        }

        CaCertificatePath = In("ca.crt");
        ClientCertificate = (In("client.crt"), In("client.key"));
    }

    private static void OpenSsl(params string[] arguments)
    {
        var info = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("openssl was not found; the Redis TLS tests need it: install it with `apt-get install -y openssl`.", ex);
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {error.Result}");
            }
        }
    }

    private Task<bool> WaitForPingAsync(RedisProcess process, int port)
        => Tls ? WaitForTlsPingAsync(process, port) : process.WaitForPingAsync(port);

    /// <summary>Waits until the server accepts a TLS connection (it is then ready: Redis binds after loading).</summary>
    private static async Task<bool> WaitForTlsPingAsync(RedisProcess process, int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < RedisProcess.StartTimeout)
        {
            if (process.HasExited)
            {
                return false;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        return false;
    }

    private void Kill()
    {
        var process = _process;
        _process = null;
        process?.Dispose();
    }
}
