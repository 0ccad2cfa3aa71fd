using Grpc.Core;
using QueryRec.Api.Events;
using QueryRec.Api.Suggest;
using QueryRec.Contracts.V1;

namespace QueryRec.Api.Services;

/// <summary>The public gRPC service. Thin: each RPC hands off to its handler.</summary>
internal sealed class QueryRecGrpcService(SuggestHandler suggest, ReportEventsHandler reportEvents) : QueryRecService.QueryRecServiceBase
{
    public override Task<SuggestResponse> Suggest(SuggestRequest request, ServerCallContext context)
        => suggest.HandleAsync(request, context.CancellationToken);

    public override Task<GetShadingWordsResponse> GetShadingWords(GetShadingWordsRequest request, ServerCallContext context)
        => throw NotYet("GetShadingWords", "shading words (底纹)");

    public override Task<DiscoverResponse> Discover(DiscoverRequest request, ServerCallContext context)
        => throw NotYet("Discover", "discovery (猜你想搜, 大家都在搜, related, refine, click-back)");

    public override Task<ReportEventsResponse> ReportEvents(ReportEventsRequest request, ServerCallContext context)
        => reportEvents.HandleAsync(request, context.CancellationToken);

    private static RpcException NotYet(string rpc, string what)
        => new(new Status(
            StatusCode.Unimplemented,
            $"{rpc} is not implemented yet: {what} arrives with the stage-strategies work. This server implements Suggest and ReportEvents."));
}
