using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>Opens the one shared <see cref="IConnectionMultiplexer"/> of a process.</summary>
public static class RedisConnection
{
    /// <summary>The client name shown by <c>CLIENT LIST</c> unless the configuration sets one.</summary>
    public const string DefaultClientName = "queryrec";

    /// <summary>
    /// Connects with resilient defaults: the connection is retried in the background instead of failing
    /// start-up (<c>abortConnect=false</c>), 5 s connect and command timeouts, client name "queryrec", and no key
    /// names in exception messages (they are logged; real-time keys hold user ids).
    /// Settings in <paramref name="configuration"/> (e.g. <c>"host:6379,password=..."</c>) are kept, except
    /// that abortConnect and includeDetailInExceptions are always false.
    /// </summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(string configuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = CreateOptions(configuration);
        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken);
    }

    /// <summary>Our setting (not StackExchange.Redis's): a PEM CA certificate that issued the server's TLS certificate; turns TLS on.</summary>
    public const string TlsCaFileKey = "tlsCaFile";

    /// <summary>Our setting: a PEM client certificate, for servers that require mutual TLS (<c>tls-auth-clients yes</c>); turns TLS on.</summary>
    public const string TlsCertFileKey = "tlsCertFile";

    /// <summary>Our setting: the PEM private key of <see cref="TlsCertFileKey"/> (omit when the certificate file holds it).</summary>
    public const string TlsKeyFileKey = "tlsKeyFile";

    /// <summary>
    /// The options <see cref="ConnectAsync"/> uses. <paramref name="configuration"/> is a StackExchange.Redis
    /// configuration string (AUTH with <c>password=</c> and, for an ACL user, <c>user=</c>; TLS with <c>ssl=true</c> and
    /// <c>sslHost=</c>) plus three settings of ours for TLS files: <c>tlsCaFile=</c> (trust the CA that issued the
    /// server's certificate, e.g. a private CA), <c>tlsCertFile=</c> and <c>tlsKeyFile=</c> (a client certificate).
    /// The server and the indexer CLI read the same string. Throws <see cref="ArgumentException"/> with a message safe
    /// to log (no password) when the string or a file is invalid.
    /// </summary>
    public static ConfigurationOptions CreateOptions(string configuration)
    {
        var (rest, files) = SplitTlsFiles(configuration);
        var options = ConfigurationOptions.Parse(rest);
        ApplyTlsFiles(options, files);
        options.AbortOnConnectFail = false;
        if (!Sets(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = 5000;
        }

        if (!Sets(configuration, "syncTimeout"))
        {
            options.SyncTimeout = 5000;
        }

        if (!Sets(configuration, "asyncTimeout"))
        {
            options.AsyncTimeout = 5000;
        }

        options.ConnectRetry = Math.Max(options.ConnectRetry, 3);
        options.KeepAlive = options.KeepAlive > 0 ? options.KeepAlive : 30;
        options.ClientName ??= DefaultClientName;

        // Exception messages (which get logged) never name keys: real-time keys hold user and device ids.
        options.IncludeDetailInExceptions = false;
        return options;
    }

    /// <summary><paramref name="configuration"/> with the values of <c>password=</c> masked, for messages and logs.</summary>
    public static string Redact(string configuration)
        => string.Join(',', configuration.Split(',').Select(static part =>
            part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : part));

    private static (string Remaining, Dictionary<string, string> Files) SplitTlsFiles(string configuration)
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var rest = new List<string>();
        foreach (var part in configuration.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? string.Empty : part[..eq].Trim();
            if (key.Equals(TlsCaFileKey, StringComparison.OrdinalIgnoreCase)
                || key.Equals(TlsCertFileKey, StringComparison.OrdinalIgnoreCase)
                || key.Equals(TlsKeyFileKey, StringComparison.OrdinalIgnoreCase))
            {
                files[key] = part[(eq + 1)..].Trim();
            }
            else
            {
                rest.Add(part);
            }
        }

        return (string.Join(',', rest), files);
    }

    private static void ApplyTlsFiles(ConfigurationOptions options, Dictionary<string, string> files)
    {
        if (files.TryGetValue(TlsCaFileKey, out var ca))
        {
            RequireFile(TlsCaFileKey, ca);
            options.Ssl = true;
            try
            {
                options.TrustIssuer(ca);
            }
            catch (CryptographicException ex)
            {
                throw new ArgumentException($"{TlsCaFileKey} '{ca}' is not a certificate: {ex.Message}", ex);
            }
        }

        if (files.TryGetValue(TlsCertFileKey, out var cert))
        {
            RequireFile(TlsCertFileKey, cert);
            files.TryGetValue(TlsKeyFileKey, out var key);
            if (key is not null)
            {
                RequireFile(TlsKeyFileKey, key);
            }

            X509Certificate2 certificate;
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(cert, key);
            }
            catch (CryptographicException ex)
            {
                throw new ArgumentException($"{TlsCertFileKey} '{cert}' (key {key ?? "in the same file"}) is not a PEM certificate with its private key: {ex.Message}", ex);
            }

            options.Ssl = true;
            options.CertificateSelection += (_, _, _, _, _) => certificate;
        }
        else if (files.ContainsKey(TlsKeyFileKey))
        {
            throw new ArgumentException($"{TlsKeyFileKey} is set without {TlsCertFileKey}.");
        }
    }

    private static void RequireFile(string key, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new ArgumentException($"{key} '{path}' does not exist.");
        }
    }

    private static bool Sets(string configuration, string setting)
        => configuration.Contains(setting + "=", StringComparison.OrdinalIgnoreCase);
}
