using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.FunctionalTests.Suggest;
using QueryRec.Indexer.Ranking;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Experiments;

/// <summary>An arm ranks with a model published on its own that is not the active one, loaded from the Redis model store.</summary>
public sealed class ExperimentModelTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-exp-model-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (string Onnx, string Version) Train(string name, int seed)
    {
        var onnx = Path.Combine(_dir.FullName, name, "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(onnx)!);
        var card = RankerTrainer.Train(LtrDataset.Synthetic(300, seed), new RankerTrainerOptions { Iterations = 30, Seed = seed }, onnx, DateTimeOffset.UtcNow);
        return (onnx, card.ModelVersion!);
    }

    [Fact]
    public async Task Suggest_ArmNamingAPublishedModel_IsRankedByIt_WhileOthersGetTheActiveModel()
    {
        var (old, oldVersion) = Train("old", 21);
        var (current, currentVersion) = Train("current", 22);
        var settings = new Dictionary<string, string?>();
        await RedisTestIndex.PublishAndConfigureAsync(redis, MatchHost.Index.Build(), settings);
        var models = new RedisModelStore(redis.Redis, settings["QueryRec:Store:KeyPrefix"]!);
        var oldId = (await models.PublishAsync(ModelPackageReader.Read(old, force: false, TextWriter.Null), retain: 3)).Id;
        await models.PublishAsync(ModelPackageReader.Read(current, force: false, TextWriter.Null), retain: 3);
        var config = Path.Combine(_dir.FullName, "experiments.json");
        ExperimentHosts.WriteConfig(config, $$"""
            { "Layers": [ { "Name": "model", "AllowOverride": true, "Arms": [
              { "Name": "byid", "Share": 0, "Overrides": { "Ranking:ModelId": "{{oldId}}" } },
              { "Name": "byversion", "Share": 0, "Overrides": { "Ranking:ModelId": "{{oldVersion}}" } } ] } ] }
            """);
        settings["QueryRec:Experiments:File"] = config;
        settings["QueryRec:Ranking:Model:PollInterval"] = "00:00:00.100";
        using var factory = new QueryRecFactory(settings);
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForModelAsync(client, currentVersion, Deadline);

        foreach (var arm in new[] { "byid", "byversion" })
        {
            var response = await UntilModelAsync(client, arm, oldVersion);

            Assert.Equal([("model", arm)], ExperimentHosts.Arms(response.Metadata));
            Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
        }

        var control = await client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "someone" });
        Assert.Equal(currentVersion, control.Metadata.ModelVersion);
    }

    /// <summary>Forces <paramref name="arm"/> until the arm's model (loaded in the background) ranks the answer.</summary>
    private static async Task<SuggestResponse> UntilModelAsync(QueryRecService.QueryRecServiceClient client, string arm, string version)
    {
        var end = DateTime.UtcNow + Deadline;
        while (true)
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "someone" }, new Metadata { { "x-queryrec-arm", "model=" + arm } });
            if (response.Metadata.ModelVersion == version)
            {
                return response;
            }

            // Until it is loaded, the arm is answered degraded by the active model.
            Assert.Contains("experiment_model_unavailable:", string.Join(",", response.Metadata.DegradedReasons), StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow < end, $"Timed out waiting for model {version} in arm {arm}; serving {response.Metadata.ModelVersion}.");
            await Task.Delay(50);
        }
    }
}
