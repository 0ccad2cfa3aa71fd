using Grpc.Core;
using Grpc.Net.Client;
using QueryRec.Contracts.V1;

namespace QueryRec.Indexer.Client;

/// <summary>A tiny client of the public Suggest API, for smoke tests and demos.</summary>
internal static class SuggestClient
{
    /// <summary>Calls Suggest once. Throws <see cref="RpcException"/> on an error status.</summary>
    public static async Task<SuggestResponse> SuggestAsync(Uri server, string prefix, int limit, string? userId, TimeProvider time, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(server);
        var client = new QueryRecService.QueryRecServiceClient(channel);
        var request = new SuggestRequest { Prefix = prefix, Limit = limit, UserId = userId ?? string.Empty };
        return await client.SuggestAsync(request, deadline: time.GetUtcNow().UtcDateTime.AddSeconds(10), cancellationToken: cancellationToken);
    }
}
