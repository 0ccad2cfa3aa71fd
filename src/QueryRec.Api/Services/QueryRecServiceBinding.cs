using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using QueryRec.Api.Validation;
using QueryRec.Contracts.V1;

namespace QueryRec.Api.Services;

/// <summary>
/// Binds <see cref="QueryRecGrpcService"/> like the generated <see cref="QueryRecService.BindService(ServiceBinderBase, QueryRecService.QueryRecServiceBase)"/>,
/// but with request marshallers that answer a request the protobuf parser refuses (invalid UTF-8 in a string field,
/// a truncated or damaged message) with INVALID_ARGUMENT naming the field, instead of the UNKNOWN that an exception
/// in the generated deserializer gives. The parse itself is unchanged: only its failure is translated.
/// </summary>
/// <remarks>
/// grpc-dotnet finds this through the <see cref="BindServiceMethodAttribute"/> on the service class, which takes
/// precedence over the generated base's; reflection still describes the service from the generated base.
/// </remarks>
internal static class QueryRecServiceBinding
{
    /// <summary>
    /// Called by grpc-dotnet (through the attribute) to add the service's methods. The second parameter is the
    /// generated base type: grpc-dotnet binds the service's overrides of that type's methods.
    /// </summary>
    public static void BindService(ServiceBinderBase serviceBinder, QueryRecService.QueryRecServiceBase? serviceImpl)
        => QueryRecService.BindService(new SafeRequestBinder(serviceBinder), serviceImpl);

    /// <summary>Wraps a request marshaller so that a parse failure becomes INVALID_ARGUMENT with a field violation.</summary>
    internal static Marshaller<TRequest> Safe<TRequest>(Marshaller<TRequest> inner)
        where TRequest : class, IMessage<TRequest>, new()
        => Marshallers.Create(inner.ContextualSerializer, (DeserializationContext context) =>
        {
            try
            {
                return inner.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException ex)
            {
                var payload = context.PayloadAsReadOnlySequence().ToArray();
                throw MalformedRequest.ToRpcException(new TRequest().Descriptor, payload, ex);
            }
        });

    private sealed class SafeRequestBinder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
            => inner.AddMethod(
                new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, SafeMarshaller(method.RequestMarshaller), method.ResponseMarshaller),
                handler);

        private static Marshaller<TRequest> SafeMarshaller<TRequest>(Marshaller<TRequest> marshaller)
            where TRequest : class
            => marshaller switch
            {
                Marshaller<SuggestRequest> m => (Marshaller<TRequest>)(object)Safe(m),
                Marshaller<DiscoverRequest> m => (Marshaller<TRequest>)(object)Safe(m),
                Marshaller<GetShadingWordsRequest> m => (Marshaller<TRequest>)(object)Safe(m),
                Marshaller<ReportEventsRequest> m => (Marshaller<TRequest>)(object)Safe(m),
                Marshaller<DeleteHistoryRequest> m => (Marshaller<TRequest>)(object)Safe(m),
                Marshaller<GetPushQueriesRequest> m => (Marshaller<TRequest>)(object)Safe(m),
                Marshaller<CorrectRequest> m => (Marshaller<TRequest>)(object)Safe(m),
                _ => throw new NotSupportedException($"No safe request marshaller for {typeof(TRequest).Name}."),
            };
    }
}
