using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Api.Validation;

/// <summary>
/// The gRPC form of a refused request: INVALID_ARGUMENT whose message lists every violation and whose
/// <see cref="BadRequest"/> detail names each offending field (google.rpc error model, read by any gRPC client).
/// </summary>
internal static class InvalidArgument
{
    /// <summary>The status exception for <paramref name="invalid"/>.</summary>
    public static RpcException ToRpcException(InvalidRequestException invalid) => ToStatus(invalid).ToRpcException();

    /// <summary>
    /// The google.rpc status for <paramref name="invalid"/>, for the callers that write it themselves (a request refused
    /// before it reaches the gRPC library).
    /// </summary>
    public static Google.Rpc.Status ToStatus(InvalidRequestException invalid)
    {
        var badRequest = new BadRequest();
        foreach (var violation in invalid.Violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description });
        }

        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = invalid.Message,
            Details = { Any.Pack(badRequest) },
        };
    }
}
