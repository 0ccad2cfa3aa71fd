using System.Text;
using Google.Rpc;
using Grpc.Core;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// The gRPC status of one raw call, read as a client must (gRPC over HTTP/2 and gRPC-Web): from the response headers
/// for a trailers-only answer, else from the trailers (HTTP/2 trailers, or gRPC-Web's trailer frame, flag 0x80).
/// </summary>
internal sealed record GrpcAnswer(StatusCode Status, string Message, BadRequest? BadRequest, bool HasMessage)
{
    /// <summary>Reads the status from <paramref name="headers"/> then <paramref name="trailers"/> (names lower case).</summary>
    public static GrpcAnswer From(IReadOnlyDictionary<string, string> headers, IReadOnlyDictionary<string, string> trailers, bool hasMessage)
    {
        var source = headers.ContainsKey("grpc-status") ? headers : trailers;
        Assert.True(source.TryGetValue("grpc-status", out var code), "No grpc-status in the headers or the trailers.");
        var message = source.TryGetValue("grpc-message", out var m) ? Uri.UnescapeDataString(m) : string.Empty;
        BadRequest? badRequest = null;
        if (source.TryGetValue("grpc-status-details-bin", out var details))
        {
            var status = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(Pad(details)));
            badRequest = status.Details.Single(static d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>();
        }

        return new GrpcAnswer((StatusCode)int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), message, badRequest, hasMessage);
    }

    /// <summary>
    /// The answer in a gRPC-Web body (already base64-decoded): messages (flag 0) and one trailer frame (flag 0x80)
    /// holding <c>name: value</c> lines; <paramref name="headers"/> first for a trailers-only answer.
    /// </summary>
    public static GrpcAnswer FromGrpcWeb(IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        var trailers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var hasMessage = false;
        for (var offset = 0; offset + 5 <= body.Length;)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset + 1, 4));
            var frame = body.AsSpan(offset + 5, length);
            if ((body[offset] & 0x80) != 0)
            {
                foreach (var line in Encoding.ASCII.GetString(frame).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
                {
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    trailers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
                }
            }
            else
            {
                hasMessage = true;
            }

            offset += 5 + length;
        }

        return From(headers, trailers, hasMessage);
    }

    // Binary headers may be sent without padding (gRPC over HTTP/2, "Binary-Header").
    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
