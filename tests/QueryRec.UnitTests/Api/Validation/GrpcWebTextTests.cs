using System.Buffers;
using System.Text;
using QueryRec.Api.Validation;

namespace QueryRec.UnitTests.Api.Validation;

/// <summary>gRPC-Web text bodies: standard base64 (RFC 4648 §4), padded, padding only at the end.</summary>
public sealed class GrpcWebTextTests
{
    [Theory]
    [InlineData("AAECAw==", new byte[] { 0, 1, 2, 3 })]
    [InlineData("AAECAwQ=", new byte[] { 0, 1, 2, 3, 4 })]
    [InlineData("+/+/", new byte[] { 0xFB, 0xFF, 0xBF })]
    public void Decode_StandardPaddedBase64_GivesTheBytes(string text, byte[] expected)
    {
        var fault = GrpcWebText.Decode(Sequence(text), out var decoded, out var length);

        Assert.Null(fault);
        Assert.Equal(expected, decoded.AsSpan(0, length).ToArray());
        ArrayPool<byte>.Shared.Return(decoded!);
    }

    [Fact]
    public void Decode_Empty_IsNoFaultAndNoBytes()
    {
        Assert.Null(GrpcWebText.Decode(Sequence(string.Empty), out var decoded, out var length));
        Assert.Null(decoded);
        Assert.Equal(0, length);
    }

    [Theory]
    [InlineData("AAAA*AAA", "0x2A at offset 4")]
    [InlineData("AAAA-AAA", "URL-safe")]
    [InlineData("AAAA_AAA", "URL-safe")]
    [InlineData("AAAAé=", "non-ASCII")]
    [InlineData("AAAA AAA", "0x20 at offset 4")]
    [InlineData("====", "padding")]
    [InlineData("A===", "padding")]
    [InlineData("AA==AAAA", "padding")]
    [InlineData("AAA=AAAA", "padding")]
    [InlineData("AAAAA", "multiple of 4")]
    public void Decode_NotStandardPaddedBase64_IsBadBase64NamingTheFault(string text, string reason)
    {
        var fault = GrpcWebText.Decode(Sequence(text), out var decoded, out _);

        Assert.NotNull(fault);
        Assert.Equal(MalformedCause.BadBase64, fault.Cause);
        Assert.Contains(reason, fault.Reason, StringComparison.Ordinal);
        Assert.Null(decoded);
    }

    private static ReadOnlySequence<byte> Sequence(string text) => new(Encoding.UTF8.GetBytes(text));
}
