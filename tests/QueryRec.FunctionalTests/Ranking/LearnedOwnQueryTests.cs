using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.FunctionalTests.Suggest;
using QueryRec.Indexer.Ranking;

namespace QueryRec.FunctionalTests.Ranking;

/// <summary>
/// The learned ranker's own-query guarantee as a shopper meets it: a real server on a loopback port, a model our trainer
/// made that is blind to the user's history, a gRPC channel from outside. The user who just searched a query finds it
/// first for its 3-character prefix; with the guarantee off, the model alone does not put it there.
/// </summary>
public sealed class LearnedOwnQueryTests : IDisposable
{
    private static readonly Dictionary<string, long> Counts = SuggestEmbeddedTests.Counts;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-ownquery-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The least popular query that shares its first three characters with a more popular one.</summary>
    private static (string Query, string Prefix) RareQuery()
        => Counts.Keys
            .Where(static q => q.Length > 3)
            .Select(static q => (Query: q, Prefix: q[..3]))
            .Where(p => Counts.Any(c => c.Key != p.Query && c.Key.StartsWith(p.Prefix, StringComparison.Ordinal) && c.Value > Counts[p.Query]))
            .OrderBy(p => Counts[p.Query])
            .ThenBy(static p => p.Query, StringComparer.Ordinal)
            .First();

    private (string Onnx, string Version) TrainBlindToHistory()
    {
        var onnx = Path.Combine(_dir.FullName, "model.onnx");
        var card = RankerTrainer.Train(
            LtrDataset.Synthetic(300, 5),
            new RankerTrainerOptions { Iterations = 30, Seed = 5, IgnoredFeatures = ["user_history_affinity"] },
            onnx,
            DateTimeOffset.UtcNow);
        return (onnx, card.ModelVersion!);
    }

    private static async Task<SuggestResponse> AfterSearchingAsync(string onnx, string ownQueryWindow, string user, string query, string prefix)
    {
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-own-1", Counts));
        await using var server = await LoopbackApi.StartAsync(new Dictionary<string, string?>
        {
            ["QueryRec:Store:IndexPath"] = index,
            ["QueryRec:Ranking:Model:Path"] = onnx,
            ["QueryRec:Ranking:Model:OwnQueryWindow"] = ownQueryWindow,
            // Every call runs the pipeline.
            ["QueryRec:Suggest:ResponseCache:Enabled"] = "false",
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        var client = new QueryRecService.QueryRecServiceClient(channel);
        var reported = await client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = Guid.NewGuid().ToString("N"),
                    Type = EventType.SearchSubmitted,
                    Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-2)),
                    UserId = user,
                    Query = query,
                },
            },
        });
        Assert.Equal(1, reported.Accepted);
        return await client.SuggestAsync(new SuggestRequest { Prefix = prefix, UserId = user });
    }

    [Fact]
    public async Task UserWhoJustSearchedAQuery_GetsItFirstForItsThreeCharacterPrefix_WithTheModelServing()
    {
        var (onnx, version) = TrainBlindToHistory();
        var (query, prefix) = RareQuery();

        var guaranteed = await AfterSearchingAsync(onnx, "1.00:00:00", "shopper-1", query, prefix);
        var modelAlone = await AfterSearchingAsync(onnx, "00:00:00", "shopper-2", query, prefix);

        Assert.Equal(version, guaranteed.Metadata.ModelVersion);
        Assert.False(guaranteed.Metadata.Degraded, string.Join(",", guaranteed.Metadata.DegradedReasons));
        Assert.Equal(query, guaranteed.Items[0].Text);
        Assert.Equal(Reason.SearchedBefore, guaranteed.Items[0].Reason);

        // Without the guarantee the model ranks the rare query below a more popular completion of the same prefix.
        Assert.Equal(version, modelAlone.Metadata.ModelVersion);
        Assert.NotEqual(query, modelAlone.Items[0].Text);
        Assert.Contains(query, modelAlone.Items.Select(static i => i.Text));
    }
}
