namespace QueryRec.Serving.Pipeline;

/// <summary>
/// A write the caller must not take as done failed or missed its budget (a history delete, an erasure): hosts map it
/// to their protocol's retry-later error (gRPC: UNAVAILABLE). The requests that raise it are idempotent.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
