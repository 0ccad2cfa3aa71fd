namespace QueryRec.Api.Validation;

/// <summary>The gRPC over HTTP/2 header names the host writes itself.</summary>
internal static class GrpcHeaders
{
    public const string Encoding = "grpc-encoding";
    public const string Status = "grpc-status";
    public const string Message = "grpc-message";
    public const string StatusDetails = "grpc-status-details-bin";
}
