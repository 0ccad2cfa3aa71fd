using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// Bodies of a unary call that are not exactly one gRPC length-prefixed message (gRPC over HTTP/2: a flag byte 0 or 1,
/// a 4-byte big-endian length, that many bytes), and gRPC-Web text bodies that are not standard padded base64. The
/// expected answers follow issue #21: INVALID_ARGUMENT naming the reason, RESOURCE_EXHAUSTED for a declared size over
/// the 1 MiB receive limit.
/// </summary>
public static class MalformedCases
{
    /// <summary>A valid Suggest request, framed.</summary>
    public static byte[] ValidSuggest => Frame(0, Message);

    private static byte[] Message => new SuggestRequest { Prefix = "g", Limit = 5 }.ToByteArray();

    /// <summary>Framing faults: sent as is over h2c and gRPC-Web binary, base64-encoded over gRPC-Web text.</summary>
    public static IReadOnlyDictionary<string, MalformedCase> Framing { get; } = new MalformedCase[]
    {
        new("empty body", [], null, StatusCode.InvalidArgument, "empty"),
        new("body shorter than the header", [0, 0, 0], null, StatusCode.InvalidArgument, "header"),
        new("truncated frame", [.. Header(0, 10), 1, 2, 3], null, StatusCode.InvalidArgument, "declares 10"),
        new("length prefix over the bytes sent", [.. Header(0, 1000), .. Message], null, StatusCode.InvalidArgument, "declares 1000"),
        new("length prefix 0xFFFFFFFF", [.. Header(0, uint.MaxValue), 1, 2, 3], null, StatusCode.ResourceExhausted, "exceeds"),
        new("two messages", [.. Frame(0, Message), .. Frame(0, Message)], null, StatusCode.InvalidArgument, "second message"),
        new("trailing bytes", [.. Frame(0, Message), 7, 7, 7], null, StatusCode.InvalidArgument, "follow the message"),
        new("compressed flag without grpc-encoding", Frame(1, Gzip(Message)), null, StatusCode.InvalidArgument, "grpc-encoding"),
        new("gzip encoding over a body that is not gzip", Frame(1, Message), "gzip", StatusCode.InvalidArgument, "gzip"),
        new("flag byte 2", Frame(2, Message), null, StatusCode.InvalidArgument, "flag"),
    }.ToDictionary(static c => c.Name, StringComparer.Ordinal);

    /// <summary>gRPC-Web text bodies (already text) that are not standard, padded base64.</summary>
    public static IReadOnlyDictionary<string, MalformedCase> Base64 { get; } = new MalformedCase[]
    {
        new("invalid base64 characters", "AAAA*AAA"u8.ToArray(), null, StatusCode.InvalidArgument, "base64"),
        new("url-safe alphabet", "AAAAAAr-_w=="u8.ToArray(), null, StatusCode.InvalidArgument, "URL-safe"),
        new("non-ascii", Encoding.UTF8.GetBytes("AAAAAAé="), null, StatusCode.InvalidArgument, "non-ASCII"),
        new("padding alone", "===="u8.ToArray(), null, StatusCode.InvalidArgument, "padding"),
        new("padding in the middle", "AA==AAAAAAAA"u8.ToArray(), null, StatusCode.InvalidArgument, "padding"),
    }.ToDictionary(static c => c.Name, StringComparer.Ordinal);

    public static TheoryData<string> FramingNames() => Names(Framing);

    public static TheoryData<string> Base64Names() => Names(Base64);

    /// <summary>A gzip-compressed valid Suggest request (flag 1), sent with <c>grpc-encoding: gzip</c>.</summary>
    public static byte[] ValidGzipSuggest => Frame(1, Gzip(Message));

    public static byte[] Frame(byte flag, byte[] payload) => [.. Header(flag, (uint)payload.Length), .. payload];

    private static byte[] Header(byte flag, uint length)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static TheoryData<string> Names(IReadOnlyDictionary<string, MalformedCase> cases)
    {
        var data = new TheoryData<string>();
        foreach (var name in cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }
}
