using Grpc.Core;
using Grpc.Core.Interceptors;
using QueryRec.Api.Validation;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Api.Interceptors;

/// <summary>
/// Turns exceptions that escape a handler into gRPC statuses: a refused request becomes INVALID_ARGUMENT with its
/// field violations, a write that could not be done now UNAVAILABLE (retry), a cancelled call becomes CANCELLED or
/// DEADLINE_EXCEEDED, anything unexpected becomes INTERNAL with a generic message (details go to the log,
/// never to the caller).
/// </summary>
internal sealed class ExceptionInterceptor(TimeProvider timeProvider, ILogger<ExceptionInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (InvalidRequestException ex)
        {
            throw InvalidArgument.ToRpcException(ex);
        }
        catch (StoreUnavailableException ex)
        {
            HostLog.StoreUnavailable(logger, ex.InnerException!, context.Method);
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            var code = context.Deadline <= timeProvider.GetUtcNow().UtcDateTime ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            throw new RpcException(new Status(code, "The call was cancelled before it completed."));
        }
        catch (Exception ex)
        {
            HostLog.UnhandledRpcException(logger, ex, context.Method);
            throw new RpcException(new Status(StatusCode.Internal, "Internal error; see the server log."));
        }
    }
}
