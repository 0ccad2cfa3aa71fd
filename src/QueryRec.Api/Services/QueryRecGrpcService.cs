using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Api.Services;

/// <summary>
/// The public gRPC service. Thin: each RPC hands its request, the call's deadline and the QA arm override header to the
/// serving pipeline. Bound by <see cref="QueryRecServiceBinding"/>.
/// </summary>
[BindServiceMethod(typeof(QueryRecServiceBinding), nameof(QueryRecServiceBinding.BindService))]
internal sealed class QueryRecGrpcService(QueryRecPipeline pipeline) : QueryRecService.QueryRecServiceBase
{
    /// <summary>
    /// The QA override header, <c>layer=arm[,layer=arm]</c>: honoured for layers whose configuration allows overrides,
    /// ignored for the others; malformed, or an unknown arm of a layer that allows overrides, is INVALID_ARGUMENT.
    /// </summary>
    public const string OverrideHeader = "x-queryrec-arm";

    public override Task<SuggestResponse> Suggest(SuggestRequest request, ServerCallContext context)
        => pipeline.SuggestAsync(request, Call(context), context.CancellationToken);

    public override Task<GetShadingWordsResponse> GetShadingWords(GetShadingWordsRequest request, ServerCallContext context)
        => pipeline.GetShadingWordsAsync(request, Call(context), context.CancellationToken);

    public override Task<DiscoverResponse> Discover(DiscoverRequest request, ServerCallContext context)
        => pipeline.DiscoverAsync(request, Call(context), context.CancellationToken);

    public override Task<ReportEventsResponse> ReportEvents(ReportEventsRequest request, ServerCallContext context)
        => pipeline.ReportEventsAsync(request, Call(context), context.CancellationToken);

    public override Task<DeleteHistoryResponse> DeleteHistory(DeleteHistoryRequest request, ServerCallContext context)
        => pipeline.DeleteHistoryAsync(request, Call(context), context.CancellationToken);

    public override Task<GetPushQueriesResponse> GetPushQueries(GetPushQueriesRequest request, ServerCallContext context)
        => pipeline.GetPushQueriesAsync(request, Call(context), context.CancellationToken);

    public override Task<CorrectResponse> Correct(CorrectRequest request, ServerCallContext context)
        => pipeline.CorrectAsync(request, Call(context), context.CancellationToken);

    private PipelineCall Call(ServerCallContext context)
        => new(context.Deadline, pipeline.ParseForcedArms(context.RequestHeaders.GetValue(OverrideHeader), OverrideHeader));
}
