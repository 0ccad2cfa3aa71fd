namespace QueryRec.Api.Validation;

/// <summary>A request body refused before the gRPC library sees it: the cause (metric tag) and the client-facing reason.</summary>
internal sealed record FramingFault(MalformedCause Cause, string Reason);
