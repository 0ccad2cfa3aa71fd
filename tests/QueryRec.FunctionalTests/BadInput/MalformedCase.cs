using Grpc.Core;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// One malformed gRPC message: the framed body (before any gRPC-Web text encoding), the <c>grpc-encoding</c> sent (or
/// null), the status expected and a word of the reason the status message must contain.
/// </summary>
public sealed record MalformedCase(string Name, byte[] Body, string? Encoding, StatusCode Expected, string ReasonWord);
