using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace QueryRec.Api.Validation;

/// <summary>
/// Decides whether the body of a unary gRPC call is exactly one well-formed length-prefixed message (gRPC over HTTP/2,
/// "Length-Prefixed-Message": a flag byte, a 4-byte big-endian length, that many bytes). Pure: no I/O, so the decisions
/// are unit-tested apart from the transport.
/// </summary>
internal static class MessageFraming
{
    /// <summary>The size of the message header: the compressed-flag byte and the big-endian length.</summary>
    public const int HeaderSize = 5;

    /// <summary>The gRPC status message for a message over the receive limit, as the gRPC library words it.</summary>
    public const string TooLargeMessage = "Received message exceeds the maximum configured message size.";

    private const string Gzip = "gzip";

    /// <summary>
    /// The fault of <paramref name="body"/>, or null when it is one message the gRPC library can take: flag 0, or flag 1
    /// with gzip that inflates within <paramref name="maxMessageSize"/>, or flag 1 with another <c>grpc-encoding</c>
    /// (the library answers an encoding it does not support with UNIMPLEMENTED, as the gRPC spec asks).
    /// </summary>
    public static FramingFault? Check(ReadOnlySequence<byte> body, long maxMessageSize, string? encoding)
    {
        if (body.IsEmpty)
        {
            return new(MalformedCause.Empty, "the body is empty; a unary call carries exactly one length-prefixed message.");
        }

        if (body.Length < HeaderSize)
        {
            return new(MalformedCause.Truncated, Invariant($"the body ends inside the 5-byte message header ({body.Length} bytes)."));
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        body.Slice(0, HeaderSize).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag > 1)
        {
            return new(MalformedCause.BadFlag, Invariant($"the compressed-flag byte is {flag}; only 0 and 1 are defined."));
        }

        if (length > maxMessageSize)
        {
            return new(MalformedCause.TooLarge, TooLargeMessage);
        }

        var following = body.Length - HeaderSize;
        if (following < length)
        {
            return new(MalformedCause.Truncated, Invariant($"the message header declares {length} bytes but only {following} follow."));
        }

        var rest = body.Slice(HeaderSize + length);
        if (!rest.IsEmpty)
        {
            return IsOneMessage(rest)
                ? new(MalformedCause.ExtraMessage, "a second message follows the first; a unary call carries exactly one.")
                : new(MalformedCause.TrailingData, Invariant($"{rest.Length} bytes follow the message."));
        }

        return flag == 1 ? CheckCompressed(body.Slice(HeaderSize, length), maxMessageSize, encoding) : null;
    }

    private static bool IsOneMessage(ReadOnlySequence<byte> bytes)
    {
        if (bytes.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        bytes.Slice(0, HeaderSize).CopyTo(header);
        return header[0] <= 1 && bytes.Length - HeaderSize == BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
    }

    private static FramingFault? CheckCompressed(ReadOnlySequence<byte> payload, long maxMessageSize, string? encoding)
    {
        if (string.IsNullOrEmpty(encoding) || string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
        {
            return new(MalformedCause.CompressedWithoutEncoding, "the message is flagged compressed but the call names no grpc-encoding.");
        }

        if (!string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Inflated into a scratch buffer and thrown away: only whether it inflates, and to what size, matters here.
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload.ToArray(), writable: false), CompressionMode.Decompress);
            long inflated = 0;
            int read;
            while ((read = gzip.Read(scratch)) > 0)
            {
                inflated += read;
                if (inflated > maxMessageSize)
                {
                    return new(MalformedCause.TooLarge, TooLargeMessage);
                }
            }

            return null;
        }
        catch (InvalidDataException ex)
        {
            return new(MalformedCause.BadCompression, "the message is flagged gzip-compressed but is not valid gzip (" + ex.Message + ")");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
