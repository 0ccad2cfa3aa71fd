using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace QueryRec.Api.Validation;

/// <summary>
/// Decodes the body of an <c>application/grpc-web-text</c> call: the framed message in standard base64 (RFC 4648 §4),
/// padded, with padding only at the end (the whole request is encoded at once by gRPC-Web clients). Anything else is a
/// <see cref="MalformedCause.BadBase64"/> fault whose reason points at the first offending byte.
/// </summary>
internal static class GrpcWebText
{
    private static readonly SearchValues<byte> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    /// <summary>The base64 length of <paramref name="binaryLength"/> bytes: the text-body bound for a binary limit.</summary>
    public static long EncodedLength(long binaryLength) => (binaryLength + 2) / 3 * 4;

    /// <summary>
    /// Decodes <paramref name="text"/> into <paramref name="decoded"/> (rented from <see cref="ArrayPool{T}.Shared"/>;
    /// the caller returns it; null for an empty body) of <paramref name="length"/> bytes, or returns the fault.
    /// </summary>
    public static FramingFault? Decode(ReadOnlySequence<byte> text, out byte[]? decoded, out int length)
    {
        decoded = null;
        length = 0;
        if (text.IsEmpty)
        {
            return null;
        }

        var source = ArrayPool<byte>.Shared.Rent(checked((int)text.Length));
        try
        {
            var span = source.AsSpan(0, (int)text.Length);
            text.CopyTo(span);
            if (Find(span) is { } fault)
            {
                return fault;
            }

            decoded = ArrayPool<byte>.Shared.Rent(span.Length / 4 * 3);
            if (Base64.DecodeFromUtf8(span, decoded, out var consumed, out length) != OperationStatus.Done)
            {
                ArrayPool<byte>.Shared.Return(decoded);
                decoded = null;
                return Fault($"the body is not valid base64 from offset {consumed}.");
            }

            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(source);
        }
    }

    // The byte-level faults a client can act on, checked before decoding so that the reason names the byte.
    private static FramingFault? Find(ReadOnlySpan<byte> text)
    {
        var bad = text.IndexOfAnyExcept(Alphabet);
        if (bad >= 0)
        {
            var b = text[bad];
            return b switch
            {
                >= 0x80 => Fault($"non-ASCII byte 0x{b:X2} at offset {bad}; grpc-web-text is standard base64."),
                (byte)'-' or (byte)'_' => Fault($"'{(char)b}' at offset {bad} is from the URL-safe base64 alphabet; grpc-web-text uses the standard one ('+' and '/')."),
                _ => Fault($"byte 0x{b:X2} at offset {bad} is not a base64 character."),
            };
        }

        if (text.Length % 4 != 0)
        {
            return Fault($"the base64 length {text.Length} is not a multiple of 4 (unpadded or cut short).");
        }

        // Padding is one or two '=' closing the last 4-character group, after at least two data characters.
        var pad = text.IndexOf((byte)'=');
        if (pad >= 0 && (pad < text.Length - 2 || text[^1] != (byte)'='))
        {
            return Fault($"padding '=' at offset {pad} before the end of the base64 body.");
        }

        return null;
    }

    private static FramingFault Fault(FormattableString reason)
        => new(MalformedCause.BadBase64, "the grpc-web-text body is not valid base64: " + reason.ToString(CultureInfo.InvariantCulture));
}
