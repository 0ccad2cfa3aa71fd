using QueryRec.Contracts.V1;

namespace QueryRec.Indexer.Replay;

/// <summary>
/// Where a replay sends its calls: the serving pipeline in process (<see cref="InProcessPipeline"/>), or a running
/// server through a gRPC client. Both take and give the public API's messages, so a log replays the same both ways.
/// </summary>
internal interface IReplayTarget
{
    Task<SuggestResponse> SuggestAsync(SuggestRequest request, CancellationToken cancellationToken);

    Task<DiscoverResponse> DiscoverAsync(DiscoverRequest request, CancellationToken cancellationToken);

    Task<GetPushQueriesResponse> GetPushQueriesAsync(GetPushQueriesRequest request, CancellationToken cancellationToken);

    Task<CorrectResponse> CorrectAsync(CorrectRequest request, CancellationToken cancellationToken);

    Task<ReportEventsResponse> ReportEventsAsync(ReportEventsRequest request, CancellationToken cancellationToken);
}
