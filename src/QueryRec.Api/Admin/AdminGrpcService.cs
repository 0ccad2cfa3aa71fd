using Grpc.Core;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.Admin.V1;
using QueryRec.Serving.History;

namespace QueryRec.Api.Admin;

/// <summary>The admin gRPC service (erasure), mapped on the admin port only; every call is checked by <see cref="AdminAccess"/>.</summary>
internal sealed class AdminGrpcService(SubjectEraser eraser, IOptions<AdminOptions> options, ILogger<AdminGrpcService> logger)
    : AdminService.AdminServiceBase
{
    public override async Task<ForgetSubjectResponse> ForgetSubject(ForgetSubjectRequest request, ServerCallContext context)
    {
        AdminAccess.Demand(context, options.Value);
        var response = await eraser.ForgetAsync(request, context.CancellationToken);

        // The audit line names no id: the log must not keep what was just erased.
        AdminLog.SubjectErased(logger, request.UserId.Length > 0 ? "user" : "device", response.Erased);
        return response;
    }
}
