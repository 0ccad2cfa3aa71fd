using Grpc.Core;
using QueryRec.Api.Events;
using QueryRec.Api.Strategies;
using QueryRec.Api.Suggest;
using QueryRec.Contracts.V1;

namespace QueryRec.Api.Services;

/// <summary>The public gRPC service. Thin: each RPC hands off to its handler. Bound by <see cref="QueryRecServiceBinding"/>.</summary>
[BindServiceMethod(typeof(QueryRecServiceBinding), nameof(QueryRecServiceBinding.BindService))]
internal sealed class QueryRecGrpcService(SuggestHandler suggest, DiscoverHandler discover, ShadingWordsHandler shadingWords, ReportEventsHandler reportEvents) : QueryRecService.QueryRecServiceBase
{
    public override Task<SuggestResponse> Suggest(SuggestRequest request, ServerCallContext context)
        => suggest.HandleAsync(request, context.CancellationToken);

    public override Task<GetShadingWordsResponse> GetShadingWords(GetShadingWordsRequest request, ServerCallContext context)
        => shadingWords.HandleAsync(request, context.CancellationToken);

    public override Task<DiscoverResponse> Discover(DiscoverRequest request, ServerCallContext context)
        => discover.HandleAsync(request, context.CancellationToken);

    public override Task<ReportEventsResponse> ReportEvents(ReportEventsRequest request, ServerCallContext context)
        => reportEvents.HandleAsync(request, context.CancellationToken);
}
