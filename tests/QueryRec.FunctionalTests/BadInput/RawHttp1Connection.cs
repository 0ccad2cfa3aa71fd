using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// One HTTP/1.1 keep-alive connection written and read by hand, so that a test knows its requests share one socket
/// (an HttpClient may open another connection behind the test's back). Handles Content-Length and chunked bodies.
/// </summary>
internal sealed class RawHttp1Connection : IDisposable
{
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly string _host;

    private RawHttp1Connection(TcpClient client, string host)
    {
        _client = client;
        _stream = new BufferedStream(client.GetStream());
        _host = host;
    }

    public static async Task<RawHttp1Connection> OpenAsync(Uri address)
    {
        var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        client.ReceiveTimeout = 10_000;
        return new RawHttp1Connection(client, address.Authority);
    }

    /// <summary>Sends a POST and reads the whole response (status, headers with lower-case names, body).</summary>
    public async Task<RawHttp1Response> PostAsync(string path, string contentType, byte[] body, IReadOnlyDictionary<string, string>? headers = null)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: {_host}\r\nContent-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nX-Grpc-Web: 1\r\nTE: trailers\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append("\r\n");
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await _stream.WriteAsync(body);
        await _stream.FlushAsync();
        return await ReadResponseAsync();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }

    private async Task<RawHttp1Response> ReadResponseAsync()
    {
        var statusLine = await ReadLineAsync() ?? throw new IOException("The server closed the connection before answering.");
        var status = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? line;
        while (!string.IsNullOrEmpty(line = await ReadLineAsync()))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        byte[] body;
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var collected = new MemoryStream();
            int size;
            while ((size = int.Parse((await ReadLineAsync())!.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)) > 0)
            {
                collected.Write(await ReadExactlyAsync(size));
                await ReadLineAsync();
            }

            while (!string.IsNullOrEmpty(await ReadLineAsync()))
            {
                // HTTP trailers: gRPC-Web sends its trailers in the body instead.
            }

            body = collected.ToArray();
        }
        else
        {
            body = await ReadExactlyAsync(headers.TryGetValue("content-length", out var length) ? int.Parse(length, CultureInfo.InvariantCulture) : 0);
        }

        return new RawHttp1Response(status, headers, body);
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var bytes = new byte[count];
        await _stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    private async Task<string?> ReadLineAsync()
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await _stream.ReadAsync(one) == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }
    }
}
