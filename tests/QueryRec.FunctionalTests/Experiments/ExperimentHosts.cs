using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.FunctionalTests.Suggest;
using QueryRec.Indexer.Ranking;

namespace QueryRec.FunctionalTests.Experiments;

/// <summary>Hosts serving the match index with experiments from a mounted JSON file.</summary>
internal static class ExperimentHosts
{
    /// <summary>Writes <paramref name="json"/> to <paramref name="path"/> atomically (a rename), as a ConfigMap update does.</summary>
    public static void WriteConfig(string path, string json)
    {
        var staging = path + ".tmp";
        File.WriteAllText(staging, json);
        File.Move(staging, path, overwrite: true);
    }

    /// <summary>A host serving the match index, its experiments read from <paramref name="configPath"/>.</summary>
    public static QueryRecFactory Create(string configPath, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(MatchHost.Index.Build(), Path.GetDirectoryName(configPath)),
            ["QueryRec:Experiments:File"] = configPath,
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return new QueryRecFactory(settings);
    }

    /// <summary>(layer, arm) pairs of a response's metadata.</summary>
    public static (string Layer, string Arm)[] Arms(ResponseMetadata metadata) => [.. metadata.ExperimentArms.Select(static a => (a.Layer, a.Arm))];
}

/// <summary>
/// One host for the serving tests: the match index, a trained model as the default ranker, and these layers:
/// <c>matching</c> (everyone with an id: fuzzy off), <c>limit</c> (everyone with an id: K = 3), <c>ranker</c>
/// (50% off, 50% on; QA override allowed), <c>model</c> (0%: a model id that is not published; QA override allowed)
/// and <c>locked</c> (0%; QA override not allowed).
/// </summary>
public sealed class ExperimentServingHost : IAsyncLifetime
{
    public const string Config = """
        {
          "Layers": [
            { "Name": "matching", "Salt": "matching-2026", "Arms": [
              { "Name": "nofuzzy", "Share": 100, "Overrides": { "Suggest": { "Matching": { "Fuzzy": false } } } } ] },
            { "Name": "limit", "Arms": [
              { "Name": "k3", "Share": 100, "Overrides": { "Suggest:DefaultLimit": 3 } } ] },
            { "Name": "ranker", "Salt": "ranker-2026", "AllowOverride": true, "Arms": [
              { "Name": "off", "Share": 50, "Overrides": { "Ranking:Enabled": false } },
              { "Name": "on", "Share": 50 } ] },
            { "Name": "model", "AllowOverride": true, "Arms": [
              { "Name": "missing", "Share": 0, "Overrides": { "Ranking:ModelId": "feedfacefeedface" } } ] },
            { "Name": "locked", "Arms": [
              { "Name": "nohistory", "Share": 0, "Overrides": { "Suggest:HistoryMax": 0 } } ] }
          ]
        }
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-exp-");

    public QueryRecFactory Factory { get; private set; } = null!;

    public QueryRecService.QueryRecServiceClient Client { get; private set; } = null!;

    /// <summary>The default model's version (its card).</summary>
    public string ModelVersion { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var onnx = Path.Combine(_dir.FullName, "model", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(onnx)!);
        ModelVersion = RankerTrainer.Train(LtrDataset.Synthetic(300, 11), new RankerTrainerOptions { Iterations = 30, Seed = 11 }, onnx, DateTimeOffset.UtcNow).ModelVersion!;
        var config = Path.Combine(_dir.FullName, "experiments.json");
        ExperimentHosts.WriteConfig(config, Config);
        Factory = ExperimentHosts.Create(config, new() { ["QueryRec:Ranking:Model:Path"] = onnx });
        Client = Factory.CreateClient(Factory.CreateChannel());
        await MatchHost.WaitForFuzzyAsync(Factory, "match-v1");
        await Polling.ForModelAsync(Client, ModelVersion, TimeSpan.FromSeconds(30));
    }

    public Task DisposeAsync()
    {
        Factory?.Dispose();
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }
}
