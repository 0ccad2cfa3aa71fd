using System.Globalization;
using Grpc.Net.Client;
using QueryRec.Contracts.V1;

namespace QueryRec.Indexer.Replay;

/// <summary>
/// A running server as a replay target, through its public gRPC API only (http:// for h2c, https:// for TLS). Events
/// are sent with wall-clock stamps (<see cref="WallClockStamps"/>), since a deployed server refuses logged times far
/// from its clock, and with ids made unique to this run, so that a second run against the same server is not dropped
/// as duplicates of the first (its history still holds the first run's events, so a measurement wants a fresh server).
/// </summary>
internal sealed class GrpcReplayTarget : IReplayTarget, IDisposable
{
    /// <summary>The deadline of each call.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private readonly QueryRecService.QueryRecServiceClient _client;
    private readonly TimeProvider _wall;
    private readonly WallClockStamps _stamps;
    private readonly string _runId;

    public GrpcReplayTarget(Uri server, TimeProvider wall)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(wall);
        _channel = GrpcChannel.ForAddress(server);
        _client = new QueryRecService.QueryRecServiceClient(_channel);
        _wall = wall;
        _stamps = new WallClockStamps(wall);
        _runId = "eval-" + wall.GetUtcNow().ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture) + "-";
    }

    /// <summary>The first rejection the server gave ("field: reason"), null while none.</summary>
    public string? FirstRejection { get; private set; }

    public Task<SuggestResponse> SuggestAsync(SuggestRequest request, CancellationToken cancellationToken)
        => _client.SuggestAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync;

    public Task<DiscoverResponse> DiscoverAsync(DiscoverRequest request, CancellationToken cancellationToken)
        => _client.DiscoverAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync;

    public Task<GetPushQueriesResponse> GetPushQueriesAsync(GetPushQueriesRequest request, CancellationToken cancellationToken)
        => _client.GetPushQueriesAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync;

    public Task<CorrectResponse> CorrectAsync(CorrectRequest request, CancellationToken cancellationToken)
        => _client.CorrectAsync(request, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync;

    public async Task<ReportEventsResponse> ReportEventsAsync(ReportEventsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sent = new ReportEventsRequest();
        foreach (var e in request.Events)
        {
            var copy = e.Clone();
            copy.EventId = _runId + e.EventId;
            copy.Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_stamps.Next(e.UserId));
            sent.Events.Add(copy);
        }

        var response = await _client.ReportEventsAsync(sent, deadline: Deadline(), cancellationToken: cancellationToken);
        if (FirstRejection is null && response.Rejected.Count > 0)
        {
            var r = response.Rejected[0];
            FirstRejection = $"{r.Field}: {r.Reason}";
        }

        return response;
    }

    public void Dispose() => _channel.Dispose();

    private DateTime Deadline() => _wall.GetUtcNow().UtcDateTime + CallTimeout;
}
