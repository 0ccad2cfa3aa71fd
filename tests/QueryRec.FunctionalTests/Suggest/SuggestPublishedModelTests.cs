using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using QueryRec.Serving.Ranking;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>Four models trained once by <c>indexer train --synthetic</c>, each in its own directory with its card.</summary>
public sealed class TrainedModelsFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-models-");

    /// <summary>(ONNX path, card model_version) per model.</summary>
    public IReadOnlyList<(string Onnx, string Version)> Models { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var models = new List<(string, string)>();
        for (var seed = 1; seed <= 4; seed++)
        {
            var onnx = Path.Combine(_dir.FullName, "m" + seed, "model.onnx");
            var (code, _, error) = await SuggestPublishedModelTests.Cli(
                "train", "--synthetic", "200", "--iterations", "20", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--output", onnx);
            Assert.True(code == 0, error);
            using var card = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(onnx, ".card.json")));
            models.Add((onnx, card.RootElement.GetProperty("model_version").GetString()!));
        }

        Assert.Equal(4, models.Select(m => m.Item2).Distinct().Count());
        Models = models;
    }

    public Task DisposeAsync()
    {
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Models published with the index (<c>build --model</c>) and on their own (<c>publish-model</c>), served through
/// the real host and gRPC channel from a real redis-server and from the embedded store.
/// </summary>
public sealed class SuggestPublishedModelTests(RedisServerFixture redis, TrainedModelsFixture trained)
    : IClassFixture<RedisServerFixture>, IClassFixture<TrainedModelsFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-pubmodel-");
    private readonly string _keyPrefix = RedisServerFixture.NewKeyPrefix();

    public void Dispose() => _dir.Delete(recursive: true);

    internal static async Task<(int Code, string Output, string Error)> Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<string> Ok(params string[] args)
    {
        var (code, output, error) = await Cli(args);
        Assert.True(code == 0, $"indexer {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }

    private string QueryList()
    {
        var path = Path.Combine(_dir.FullName, "queries.txt");
        File.WriteAllLines(path, SuggestEmbeddedTests.Counts.Select(c => $"{c.Key}\t{c.Value}"));
        return path;
    }

    /// <summary>Builds an index file with <c>indexer build --queries … [--model …]</c>.</summary>
    private async Task<string> BuildIndex(string version, string? model)
    {
        var output = Path.Combine(_dir.FullName, version + ".qrx");
        string[] args = ["build", "--queries", QueryList(), "--version", version, "--output", output];
        await Ok(model is null ? args : [.. args, "--model", model]);
        return output;
    }

    private QueryRecFactory RedisHost(Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["QueryRec:Store:Redis"] = redis.ConnectionString,
            ["QueryRec:Store:KeyPrefix"] = _keyPrefix,
            ["QueryRec:Store:PollInterval"] = "00:00:00.100",
            ["QueryRec:Ranking:Model:PollInterval"] = "00:00:00.100",
        };
        return new QueryRecFactory(settings) { TestServices = services };
    }

    private string[] RedisArgs => ["--redis", redis.ConnectionString, "--key-prefix", _keyPrefix];

    private static Task<SuggestResponse> WaitForModel(QueryRecService.QueryRecServiceClient client, string version)
        => Polling.ForModelAsync(client, version, Deadline);

    private static Task WaitUntil(Func<bool> condition, string what) => Polling.UntilAsync(condition, what, Deadline);

    [Fact]
    public async Task IndexWithModel_ServedAfterPublish_AndRollbackBringsThePreviousIndexModelBack()
    {
        await redis.InitializeAsync();
        var (m1, v1) = trained.Models[0];
        var (m2, v2) = trained.Models[1];
        await Ok(["publish", "--index", await BuildIndex("v-a", m1), .. RedisArgs]);
        using var factory = RedisHost();
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
        Assert.Equal(v1, response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));

        await Ok(["publish", "--index", await BuildIndex("v-b", m2), .. RedisArgs]);
        response = await WaitForModel(client, v2);
        Assert.False(response.Metadata.Degraded);
        var status = await Ok(["status", .. RedisArgs]);
        Assert.Contains(v2, status, StringComparison.Ordinal);

        await Ok(["rollback", .. RedisArgs]);
        response = await WaitForModel(client, v1);
        Assert.False(response.Metadata.Degraded);

        // An index without a model: the heuristic ranks, and that is not a fault.
        await Ok(["publish", "--index", await BuildIndex("v-c", model: null), .. RedisArgs]);
        response = await WaitForModel(client, HeuristicScorer.ModelVersion);
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
    }

    [Fact]
    public async Task PublishModel_OverridesTheIndexModel_RollbackModelRestores_ClearGoesBackToTheIndexModel()
    {
        await redis.InitializeAsync();
        var (m1, v1) = trained.Models[0];
        var (m3, v3) = trained.Models[2];
        var (m4, v4) = trained.Models[3];
        await Ok(["publish", "--index", await BuildIndex("v-a", m1), .. RedisArgs]);
        using var factory = RedisHost();
        var client = factory.CreateClient(factory.CreateChannel());
        await WaitForModel(client, v1);

        await Ok(["publish-model", "--model", m3, .. RedisArgs]);
        await WaitForModel(client, v3);
        await Ok(["publish-model", "--model", m4, .. RedisArgs]);
        var response = await WaitForModel(client, v4);
        Assert.False(response.Metadata.Degraded);
        var status = await Ok(["status", .. RedisArgs]);
        Assert.Contains(v4, status, StringComparison.Ordinal);
        Assert.Contains(v3, status, StringComparison.Ordinal);

        await Ok(["rollback-model", .. RedisArgs]);
        await WaitForModel(client, v3);

        await Ok(["publish-model", "--clear", .. RedisArgs]);
        response = await WaitForModel(client, v1);
        Assert.False(response.Metadata.Degraded);

        // Nothing active to roll back from after a clear: a user error.
        var (code, _, error) = await Cli(["rollback-model", .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("cannot roll back the model", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishModel_KeepsOnlyTheRetainedVersions()
    {
        await redis.InitializeAsync();
        foreach (var (onnx, _) in trained.Models)
        {
            await Ok(["publish-model", "--model", onnx, "--retain", "2", .. RedisArgs]);
        }

        var store = new RedisModelStore(redis.Redis, _keyPrefix);
        var status = await store.GetStatusAsync();
        Assert.Equal([trained.Models[3].Version, trained.Models[2].Version], status.Models.Select(m => m.ModelVersion));
        Assert.Equal(status.Models[0].Id, status.ActiveId);
        var db = redis.Redis.GetDatabase();
        var kept = 0;
        foreach (var (onnx, _) in trained.Models)
        {
            var id = RankingModelPackages.IdOf(Indexer.Ranking.ModelPackageReader.Read(onnx, force: false, TextWriter.Null));
            kept += await db.KeyExistsAsync(_keyPrefix + "model:" + id) ? 1 : 0;
        }

        Assert.Equal(2, kept);
    }

    [Fact]
    public async Task CorruptModelPublishedOnItsOwn_IsRefusedAndCounted_ThePreviousKeepsServing()
    {
        await redis.InitializeAsync();
        var (m1, _) = trained.Models[0];
        var (m3, v3) = trained.Models[2];
        await Ok(["publish", "--index", await BuildIndex("v-a", m1), .. RedisArgs]);
        await Ok(["publish-model", "--model", m3, .. RedisArgs]);
        using var factory = RedisHost();
        var client = factory.CreateClient(factory.CreateChannel());
        using var refused = HostCounter.RefusedModels(factory);
        await WaitForModel(client, v3);

        // Garbage ONNX with a valid package checksum: the CLI would refuse it, so write it with the store directly.
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        var card = """{"schema_version": "features-v1", "model_version": "garbage-1"}""";
        var store = new RedisModelStore(redis.Redis, _keyPrefix);
        await store.PublishAsync(RankingModelPackages.Create("garbage-1", "features-v1", garbage, card), retain: 3);

        await WaitUntil(() => refused.Count >= 1, "the corrupt model to be refused");
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
        Assert.Equal(v3, response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));

        // Rolling back to the good model, and forward again to a good one, works as usual.
        await Ok(["rollback-model", .. RedisArgs]);
        await Ok(["publish-model", "--model", trained.Models[3].Onnx, .. RedisArgs]);
        await WaitForModel(client, trained.Models[3].Version);
        Assert.Equal(1, refused.Count);
    }

    [Fact]
    public async Task RedisOutage_KeepsTheCurrentModelServing_ThenThePointerIsFollowedAgain()
    {
        await redis.InitializeAsync();
        var (m1, v1) = trained.Models[0];
        var (m3, v3) = trained.Models[2];
        await Ok(["publish", "--index", await BuildIndex("v-a", m1), .. RedisArgs]);
        await Ok(["publish-model", "--model", m3, .. RedisArgs]);
        var source = new FailingSource(new RedisModelStore(redis.Redis, _keyPrefix));
        using var factory = RedisHost(services => services.AddSingleton<IRankingModelSource>(source));
        var client = factory.CreateClient(factory.CreateChannel());
        await WaitForModel(client, v3);

        // The model pointer cannot be read; meanwhile it is cleared. The server keeps serving what it has.
        source.Failing = true;
        await Ok(["publish-model", "--clear", .. RedisArgs]);
        var failedBefore = source.Failures;
        await WaitUntil(() => source.Failures >= failedBefore + 3, "three failed polls");
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
        Assert.Equal(v3, response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));

        // Back: the cleared pointer is seen, and the index's model serves.
        source.Failing = false;
        await WaitForModel(client, v1);
    }

    /// <summary>The real model source, made to fail like an unreachable Redis on demand.</summary>
    private sealed class FailingSource(IRankingModelSource inner) : IRankingModelSource
    {
        private long _failures;

        public volatile bool Failing;

        public long Failures => Interlocked.Read(ref _failures);

        public Task<string?> GetActiveModelIdAsync(CancellationToken cancellationToken = default)
            => Failing ? Fail<string?>() : inner.GetActiveModelIdAsync(cancellationToken);

        public Task<Storage.V1.RankingModelPackage?> GetModelAsync(string id, CancellationToken cancellationToken = default)
            => Failing ? Fail<Storage.V1.RankingModelPackage?>() : inner.GetModelAsync(id, cancellationToken);

        private Task<T> Fail<T>()
        {
            Interlocked.Increment(ref _failures);
            return Task.FromException<T>(new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, StackExchange.Redis.CommandFlags.None, "test: Redis is down"));
        }
    }

    [Fact]
    public async Task EmbeddedIndexFileWithModel_IsServedWithoutRedis_AndAnExplicitPathOverridesIt()
    {
        var (m1, v1) = trained.Models[0];
        var (m2, v2) = trained.Models[1];
        var index = await BuildIndex("v-embedded", m1);
        using (var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = index }))
        {
            var client = factory.CreateClient(factory.CreateChannel());
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
            Assert.Equal(v1, response.Metadata.ModelVersion);
            Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
        }

        using (var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = index, ["QueryRec:Ranking:Model:Path"] = m2 }))
        {
            var client = factory.CreateClient(factory.CreateChannel());
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
            Assert.Equal(v2, response.Metadata.ModelVersion);
        }
    }

    [Fact]
    public async Task BadModelInput_IsACliError_AndNothingIsPublished()
    {
        await redis.InitializeAsync();
        var (m1, _) = trained.Models[0];

        // Missing file.
        var missing = Path.Combine(_dir.FullName, "missing.onnx");
        var (code, _, error) = await Cli(["publish-model", "--model", missing, .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("model file not found", error, StringComparison.Ordinal);

        // No card beside the model.
        var lonely = Path.Combine(_dir.FullName, "lonely", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(lonely)!);
        File.Copy(m1, lonely);
        (code, _, error) = await Cli(["publish-model", "--model", lonely, .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("model card not found", error, StringComparison.Ordinal);

        // Wrong schema in the card.
        var wrong = Path.Combine(_dir.FullName, "wrong", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(wrong)!);
        File.Copy(m1, wrong);
        var card = (await File.ReadAllTextAsync(Path.ChangeExtension(m1, ".card.json"))).Replace("\"" + FeatureSchema.Version + "\"", "\"features-v0\"", StringComparison.Ordinal);
        Assert.Contains("features-v0", card, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.ChangeExtension(wrong, ".card.json"), card);
        (code, _, error) = await Cli(["publish-model", "--model", wrong, .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("features-v0", error, StringComparison.Ordinal);

        // Not ONNX at all, with a valid card.
        var junk = Path.Combine(_dir.FullName, "junk", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(junk)!);
        await File.WriteAllBytesAsync(junk, new byte[1000]);
        File.Copy(Path.ChangeExtension(m1, ".card.json"), Path.ChangeExtension(junk, ".card.json"));
        (code, _, error) = await Cli(["publish-model", "--model", junk, .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("ONNX Runtime cannot load", error, StringComparison.Ordinal);

        // Valid ONNX of another shape (an ML.NET regression over 5 features), with a valid card: the server's own
        // validation (RankingModel.Load) refuses it here, before anything is published.
        var narrow = Path.Combine(_dir.FullName, "narrow", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(narrow)!);
        await File.WriteAllBytesAsync(narrow, SuggestModelServingTests.WrongWidthModel());
        File.Copy(Path.ChangeExtension(m1, ".card.json"), Path.ChangeExtension(narrow, ".card.json"));
        (code, _, error) = await Cli(["publish-model", "--model", narrow, .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains(narrow, error, StringComparison.Ordinal);
        Assert.Contains($"[N, {FeatureSchema.Count}] is expected", error, StringComparison.Ordinal);
        Assert.Contains(", 5]", error, StringComparison.Ordinal);

        // Over 64 MiB (a sparse file), for publish-model and for build --model.
        var big = Path.Combine(_dir.FullName, "big", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(big)!);
        using (var stream = File.Create(big))
        {
            stream.SetLength(RankingModelPackages.MaxOnnxBytes + 1L);
        }

        File.Copy(Path.ChangeExtension(m1, ".card.json"), Path.ChangeExtension(big, ".card.json"));
        (code, _, error) = await Cli(["publish-model", "--model", big, .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("64 MiB", error, StringComparison.Ordinal);
        var output = Path.Combine(_dir.FullName, "big.qrx");
        (code, _, error) = await Cli(["build", "--queries", QueryList(), "--output", output, "--model", big]);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("64 MiB", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        // Neither --model nor --clear.
        (code, _, _) = await Cli(["publish-model", .. RedisArgs]);
        Assert.Equal(IndexerCli.ExitUserError, code);

        var status = await new RedisModelStore(redis.Redis, _keyPrefix).GetStatusAsync();
        Assert.Null(status.ActiveId);
        Assert.Empty(status.Models);
    }
}
