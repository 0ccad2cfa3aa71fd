using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Telemetry;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// Malformed gRPC messages (<see cref="MalformedCases"/>) sent as raw bytes to a real server on loopback, over h2c
/// (HttpClient, HTTP/2 only) and over gRPC-Web on one hand-written HTTP/1.1 keep-alive connection: each is answered
/// INVALID_ARGUMENT naming the field "request" and the reason (RESOURCE_EXHAUSTED for a declared size over the limit),
/// never UNKNOWN or INTERNAL, and the next valid call on the same connection succeeds.
/// </summary>
public sealed class MalformedMessageTests(MalformedMessageServer server) : IClassFixture<MalformedMessageServer>
{
    private const string SuggestPath = "/queryrec.v1.QueryRecService/Suggest";
    private const string GrpcWeb = "application/grpc-web";
    private const string GrpcWebText = "application/grpc-web-text";

    [Theory]
    [MemberData(nameof(MalformedCases.FramingNames), MemberType = typeof(MalformedCases))]
    public async Task H2c_MalformedMessage_RefusedWithReasonAndTheConnectionServesTheNextCall(string name)
    {
        var c = MalformedCases.Framing[name];
        using var client = H2cClient();

        var refused = await H2cAsync(client, c.Body, c.Encoding);
        var next = await H2cAsync(client, MalformedCases.ValidSuggest, null);

        AssertRefused(c, refused);
        AssertAnswered(next);
    }

    [Theory]
    [MemberData(nameof(MalformedCases.FramingNames), MemberType = typeof(MalformedCases))]
    public async Task GrpcWebBinary_MalformedMessage_RefusedWithReasonAndTheKeepAliveConnectionServesTheNextCall(string name)
    {
        var c = MalformedCases.Framing[name];
        using var connection = await RawHttp1Connection.OpenAsync(server.Api.Http1Address!);

        var refused = await GrpcWebAsync(connection, GrpcWeb, c.Body, c.Encoding);
        var next = await GrpcWebAsync(connection, GrpcWeb, MalformedCases.ValidSuggest, null);

        AssertRefused(c, refused);
        AssertAnswered(next);
    }

    [Theory]
    [MemberData(nameof(MalformedCases.FramingNames), MemberType = typeof(MalformedCases))]
    public async Task GrpcWebText_MalformedMessage_RefusedWithReasonAndTheKeepAliveConnectionServesTheNextCall(string name)
    {
        var c = MalformedCases.Framing[name];
        using var connection = await RawHttp1Connection.OpenAsync(server.Api.Http1Address!);

        var refused = await GrpcWebAsync(connection, GrpcWebText, Base64(c.Body), c.Encoding);
        var next = await GrpcWebAsync(connection, GrpcWebText, Base64(MalformedCases.ValidSuggest), null);

        AssertRefused(c, refused);
        AssertAnswered(next);
    }

    [Theory]
    [MemberData(nameof(MalformedCases.Base64Names), MemberType = typeof(MalformedCases))]
    public async Task GrpcWebText_InvalidBase64_RefusedWithReasonAndTheKeepAliveConnectionServesTheNextCall(string name)
    {
        var c = MalformedCases.Base64[name];
        using var connection = await RawHttp1Connection.OpenAsync(server.Api.Http1Address!);

        var refused = await GrpcWebAsync(connection, GrpcWebText, c.Body, c.Encoding);
        var next = await GrpcWebAsync(connection, GrpcWebText, Base64(MalformedCases.ValidSuggest), null);

        AssertRefused(c, refused);
        AssertAnswered(next);
    }

    [Fact]
    public async Task H2c_GzipMessageWithGrpcEncodingGzip_IsAnswered()
    {
        using var client = H2cClient();

        AssertAnswered(await H2cAsync(client, MalformedCases.ValidGzipSuggest, "gzip"));
    }

    [Fact]
    public async Task H2c_CompressedWithAnUnsupportedEncoding_IsUnimplemented()
    {
        using var client = H2cClient();

        // gRPC over HTTP/2: a grpc-encoding the server does not support is UNIMPLEMENTED.
        var answer = await H2cAsync(client, MalformedCases.Frame(1, [1, 2, 3]), "snappy");

        Assert.Equal(StatusCode.Unimplemented, answer.Status);
    }

    [Fact]
    public async Task GrpcWebBinary_BodyOverTheLimit_IsResourceExhaustedAndTheKeepAliveConnectionServesTheNextCall()
    {
        // A well-framed message of 2 MiB: over the 1 MiB receive limit by its header and by its Content-Length.
        var framed = MalformedCases.Frame(0, new byte[2 * 1024 * 1024]);
        using var connection = await RawHttp1Connection.OpenAsync(server.Api.Http1Address!);

        var refused = await GrpcWebAsync(connection, GrpcWeb, framed, null);
        var next = await GrpcWebAsync(connection, GrpcWeb, MalformedCases.ValidSuggest, null);

        Assert.Equal(StatusCode.ResourceExhausted, refused.Status);
        AssertAnswered(next);
    }

    [Fact]
    public async Task LargeValidMessage_OnEveryTransport_IsAnswered()
    {
        // 200 KB of an unknown field (skipped by the parser): bigger than what the server examines in place.
        var message = new SuggestRequest { Prefix = "g" }.ToByteArray().Concat(UnknownField(200 * 1024)).ToArray();
        var framed = MalformedCases.Frame(0, message);
        using var client = H2cClient();
        using var connection = await RawHttp1Connection.OpenAsync(server.Api.Http1Address!);

        AssertAnswered(await H2cAsync(client, framed, null));
        AssertAnswered(await GrpcWebAsync(connection, GrpcWeb, framed, null));
        AssertAnswered(await GrpcWebAsync(connection, GrpcWebText, Base64(framed), null));
    }

    [Fact]
    public async Task MalformedMessage_IsCountedByCause()
    {
        using var badFlag = new HostCounter(server.Api.Services, QueryRecInstrumentation.MalformedName, new("cause", "bad_flag"));
        using var all = new HostCounter(server.Api.Services, QueryRecInstrumentation.MalformedName);
        using var client = H2cClient();

        await H2cAsync(client, MalformedCases.Framing["flag byte 2"].Body, null);
        await H2cAsync(client, MalformedCases.Framing["empty body"].Body, null);
        await H2cAsync(client, MalformedCases.ValidSuggest, null);

        Assert.Equal(1, badFlag.Count);
        Assert.Equal(2, all.Count);
    }

    [Fact]
    public async Task MalformedMessage_IsLoggedOncePerCauseWithoutTheBody()
    {
        using var client = H2cClient();
        var body = MalformedCases.Frame(0, "secret-body"u8.ToArray());
        var twoMessages = body.Concat(body).ToArray();

        for (var i = 0; i < 3; i++)
        {
            await H2cAsync(client, twoMessages, null);
            await H2cAsync(client, MalformedCases.Framing["flag byte 2"].Body, null);
        }

        // EventId 15 is the host's "malformed gRPC message" entry (docs/operations.md).
        var malformed = server.Logs.Entries.Where(static e => e.Id.Id == 15).Select(static e => e.Message).ToList();
        Assert.Single(malformed, static m => m.Contains("(extra_message)", StringComparison.Ordinal));
        Assert.Single(malformed, static m => m.Contains("(bad_flag)", StringComparison.Ordinal));
        var causes = malformed.Select(static m => System.Text.RegularExpressions.Regex.Match(m, @"\((\w+)\)").Groups[1].Value).ToList();
        Assert.Equal(causes.Count, causes.Distinct().Count());
        Assert.DoesNotContain(server.Logs.Entries, static e => e.Message.Contains("secret", StringComparison.Ordinal));
    }

    private static void AssertRefused(MalformedCase c, GrpcAnswer answer)
    {
        Assert.True(c.Expected == answer.Status, $"{c.Name}: expected {c.Expected}, got {answer.Status}: {answer.Message}");
        Assert.Contains(c.ReasonWord, answer.Message, StringComparison.Ordinal);
        if (c.Expected == StatusCode.InvalidArgument)
        {
            Assert.NotNull(answer.BadRequest);
            Assert.Equal("request", Assert.Single(answer.BadRequest.FieldViolations).Field);
        }
    }

    private static void AssertAnswered(GrpcAnswer answer)
    {
        Assert.True(answer.Status == StatusCode.OK, $"expected OK, got {answer.Status}: {answer.Message}");
        Assert.True(answer.HasMessage, "OK without a response message.");
    }

    private static HttpClient H2cClient() => new(new SocketsHttpHandler())
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private async Task<GrpcAnswer> H2cAsync(HttpClient client, byte[] body, string? encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Api.Address, SuggestPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        if (encoding is not null)
        {
            request.Headers.Add("grpc-encoding", encoding);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return GrpcAnswer.From(Lowered(response.Headers), Lowered(response.TrailingHeaders), bytes.Length > 0);
    }

    private static async Task<GrpcAnswer> GrpcWebAsync(RawHttp1Connection connection, string contentType, byte[] body, string? encoding)
    {
        // As the gRPC-Web JavaScript client: a text call asks for a text answer.
        var headers = new Dictionary<string, string> { ["accept"] = contentType };
        if (encoding is not null)
        {
            headers["grpc-encoding"] = encoding;
        }

        var response = await connection.PostAsync(SuggestPath, contentType, body, headers);
        Assert.Equal(200, response.Status);
        var textAnswer = response.Headers.TryGetValue("content-type", out var type) && type.StartsWith(GrpcWebText, StringComparison.Ordinal);
        var payload = textAnswer ? FromBase64Groups(response.Body) : response.Body;
        return GrpcAnswer.FromGrpcWeb(response.Headers, payload);
    }

    private static Dictionary<string, string> Lowered(HttpHeaders headers)
        => headers.ToDictionary(static h => h.Key.ToLowerInvariant(), static h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);

    private static byte[] Base64(byte[] bytes) => System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(bytes));

    // A gRPC-Web text response may be several padded base64 chunks in a row: decoded one 4-character group at a time.
    private static byte[] FromBase64Groups(byte[] text)
    {
        var ascii = System.Text.Encoding.ASCII.GetString(text);
        Assert.True(ascii.Length % 4 == 0 && ascii.All(static ch => char.IsAsciiLetterOrDigit(ch) || ch is '+' or '/' or '='), "not base64: " + ascii);
        return [.. Enumerable.Range(0, ascii.Length / 4).SelectMany(i => Convert.FromBase64String(ascii.Substring(i * 4, 4)))];
    }

    // Field 1000, length-delimited: tag varint (1000 << 3 | 2), the length varint, then the bytes.
    private static byte[] UnknownField(int length)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(1000, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(new byte[length]));
        output.Flush();
        return stream.ToArray();
    }
}
