using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using QueryRec.Api.Validation;

namespace QueryRec.UnitTests.Api.Validation;

/// <summary>
/// The framing decisions against gRPC over HTTP/2's Length-Prefixed-Message (flag 0 or 1, 4-byte big-endian length,
/// that many bytes) for a unary call: exactly one message, and a compressed one only with a grpc-encoding.
/// </summary>
public sealed class MessageFramingTests
{
    private const long Max = 100;

    [Fact]
    public void Check_OneMessage_IsAccepted() => Assert.Null(Check(Frame(0, [8, 1])));

    [Fact]
    public void Check_EmptyMessage_IsAccepted() => Assert.Null(Check(Frame(0, [])));

    [Fact]
    public void Check_MessageOfExactlyTheLimit_IsAccepted() => Assert.Null(Check(Frame(0, new byte[Max])));

    [Fact]
    public void Check_NoBytes_IsEmpty() => Assert.Equal(MalformedCause.Empty, Check([])!.Cause);

    [Fact]
    public void Check_FourBytes_IsTruncated() => Assert.Equal(MalformedCause.Truncated, Check([0, 0, 0, 1])!.Cause);

    [Fact]
    public void Check_FewerBytesThanDeclared_IsTruncatedAndSaysBoth()
    {
        var fault = Check([.. Header(0, 10), 1, 2, 3])!;

        Assert.Equal(MalformedCause.Truncated, fault.Cause);
        Assert.Contains("10", fault.Reason, StringComparison.Ordinal);
        Assert.Contains("3", fault.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DeclaredLengthOverTheLimit_IsTooLargeBeforeAnyByteArrives()
        => Assert.Equal(MalformedCause.TooLarge, Check([.. Header(0, (uint)Max + 1)])!.Cause);

    [Fact]
    public void Check_LengthPrefixAllOnes_IsTooLarge() => Assert.Equal(MalformedCause.TooLarge, Check([.. Header(0, uint.MaxValue), 1])!.Cause);

    [Fact]
    public void Check_FlagTwo_IsBadFlag() => Assert.Equal(MalformedCause.BadFlag, Check(Frame(2, [8, 1]))!.Cause);

    [Fact]
    public void Check_TwoMessages_IsExtraMessage() => Assert.Equal(MalformedCause.ExtraMessage, Check([.. Frame(0, [8, 1]), .. Frame(0, [8, 2])])!.Cause);

    [Fact]
    public void Check_BytesAfterTheMessage_IsTrailingData() => Assert.Equal(MalformedCause.TrailingData, Check([.. Frame(0, [8, 1]), 7, 7, 7])!.Cause);

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    public void Check_CompressedFlagWithoutAnEncoding_IsCompressedWithoutEncoding(string? encoding)
        => Assert.Equal(MalformedCause.CompressedWithoutEncoding, Check(Frame(1, Gzip([8, 1])), encoding)!.Cause);

    [Fact]
    public void Check_GzipMessage_IsAccepted() => Assert.Null(Check(Frame(1, Gzip([8, 1])), "gzip"));

    [Fact]
    public void Check_GzipFlaggedButNotGzip_IsBadCompression() => Assert.Equal(MalformedCause.BadCompression, Check(Frame(1, [8, 1, 2, 3]), "gzip")!.Cause);

    [Fact]
    public void Check_GzipInflatingOverTheLimit_IsTooLarge()
        => Assert.Equal(MalformedCause.TooLarge, Check(Frame(1, Gzip(new byte[Max + 1])), "gzip")!.Cause);

    [Fact]
    public void Check_CompressedWithAnEncodingTheHostDoesNotCheck_IsLeftToTheLibrary()
        => Assert.Null(Check(Frame(1, [1, 2, 3]), "snappy"));

    private static FramingFault? Check(byte[] body, string? encoding = null) => MessageFraming.Check(new ReadOnlySequence<byte>(body), Max, encoding);

    private static byte[] Frame(byte flag, byte[] payload) => [.. Header(flag, (uint)payload.Length), .. payload];

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
}
