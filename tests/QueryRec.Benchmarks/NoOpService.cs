using Grpc.Core;
using Grpc.Health.V1;

namespace QueryRec.Benchmarks;

/// <summary>
/// The floor of a gRPC call through the API host: a unary method under its own service name (<c>bench.NoOp/Check</c>,
/// health's messages) that answers a constant, with no interceptor and no health check behind it. Bound by hand, so
/// no proto is needed for a method that exists only in the benchmark. Not sealed and <see cref="Check"/> virtual:
/// grpc-dotnet binds only virtual methods declared on the type that <see cref="BindService"/> takes.
/// </summary>
[BindServiceMethod(typeof(NoOpService), nameof(BindService))]
public class NoOpService
{
    /// <summary>The method the benchmark calls.</summary>
    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Method = new(
        MethodType.Unary,
        "bench.NoOp",
        nameof(Check),
        Marshallers.Create(static (HealthCheckRequest m) => Google.Protobuf.MessageExtensions.ToByteArray(m), HealthCheckRequest.Parser.ParseFrom),
        Marshallers.Create(static (HealthCheckResponse m) => Google.Protobuf.MessageExtensions.ToByteArray(m), HealthCheckResponse.Parser.ParseFrom));

    private static readonly Task<HealthCheckResponse> Answer = Task.FromResult(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving });

    /// <summary>Called by grpc-dotnet through the attribute; it binds <see cref="Check"/> by the method's name.</summary>
    public static void BindService(ServiceBinderBase binder, NoOpService? service)
        => binder.AddMethod(Method, service is null ? null : service.Check);

    /// <summary>Answers SERVING without looking at anything.</summary>
    public virtual Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) => Answer;
}
