namespace QueryRec.Api.Validation;

/// <summary>
/// Why a request body is not one well-formed gRPC message. The names (snake_case through
/// <see cref="MalformedCauses.Tag"/>) are the <c>cause</c> tag of <c>queryrec.requests.malformed</c>: a closed set,
/// so the metric's cardinality stays bounded whatever clients send.
/// </summary>
internal enum MalformedCause
{
    /// <summary>No bytes at all: a unary call needs exactly one length-prefixed message.</summary>
    Empty,

    /// <summary>The body ends inside the 5-byte header or before the length the header declares.</summary>
    Truncated,

    /// <summary>The declared (or decompressed, or buffered) size is over the receive limit: RESOURCE_EXHAUSTED.</summary>
    TooLarge,

    /// <summary>A second complete message follows the first in a unary call.</summary>
    ExtraMessage,

    /// <summary>Bytes after the message that do not form a message.</summary>
    TrailingData,

    /// <summary>The compressed flag is set but no <c>grpc-encoding</c> (or <c>identity</c>) was sent.</summary>
    CompressedWithoutEncoding,

    /// <summary>The message is flagged compressed with gzip but does not decompress.</summary>
    BadCompression,

    /// <summary>The flag byte is neither 0 nor 1.</summary>
    BadFlag,

    /// <summary>A <c>application/grpc-web-text</c> body that is not standard, padded base64.</summary>
    BadBase64,
}
