using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Suggest;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// A served model that throws while scoring a real request, through the real host and gRPC channel: the answer is
/// ranked by the heuristic and degraded <c>model_error</c>, and the server keeps answering.
/// </summary>
public sealed class SuggestModelErrorTests : IDisposable
{
    private static readonly Dictionary<string, long> Counts = SuggestEmbeddedTests.Counts;
    private const string HandMadeVersion = "handmade-batch-of-two";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-model-error-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Collects the host's log entries (category, level, exception).</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Entries.Enqueue((category, logLevel, exception));
        }
    }

    private QueryRecFactory Host(string modelPath, CapturingLoggerProvider? logs = null)
    {
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-model-error-1", Counts), _dir.CreateSubdirectory(Guid.NewGuid().ToString("N")).FullName);
        return new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = index,
            ["QueryRec:Ranking:Model:Path"] = modelPath,
            // These calls carry no real-time signal: the model must still rank them (this test is about the model, not the
            // learned ranker's cold-start guard).
            ["QueryRec:Ranking:Model:HeuristicWithoutSignal"] = "false",
        })
        {
            TestServices = logs is null ? null : services => services.AddSingleton<ILoggerProvider>(logs),
        };
    }

    [Fact]
    public async Task Serve_ModelThatThrowsWhileScoring_HeuristicRanksDegradedModelError_AndTheServerKeepsAnswering()
    {
        var target = Path.Combine(_dir.FullName, "model.onnx");
        File.WriteAllBytes(target, BatchOfTwoOnnxModel.Create());
        File.WriteAllText(RankingModel.CardPath(target), JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["schema_version"] = FeatureSchema.Version,
            ["model_version"] = HandMadeVersion,
        }));
        var logs = new CapturingLoggerProvider();
        using var factory = Host(target, logs);
        var client = factory.CreateClient(factory.CreateChannel());
        using var refused = HostCounter.RefusedModels(factory);

        // The model is served: a request with exactly two candidates (the batch its Reshape fits) is scored by it.
        var two = await client.SuggestAsync(new SuggestRequest { Prefix = "halo" });
        Assert.Equal(2, two.Items.Count);
        Assert.Equal(HandMadeVersion, two.Metadata.ModelVersion);
        Assert.False(two.Metadata.Degraded, string.Join(",", two.Metadata.DegradedReasons));

        // Five candidates: the Reshape throws; the heuristic ranks this answer, which says so.
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });

        Assert.True(response.Metadata.Degraded);
        Assert.Equal(["model_error"], response.Metadata.DegradedReasons);
        Assert.Equal(HeuristicScorer.ModelVersion, response.Metadata.ModelVersion);
        var expected = Counts.Keys.Where(k => k.StartsWith("ge", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, response.Items.Select(i => i.Text).Order(StringComparer.Ordinal));
        Assert.All(response.Items, i => Assert.Equal(Counts[i.Text], i.Score));
        Assert.Equal(response.Items.Select(i => i.Score).OrderDescending(), response.Items.Select(i => i.Score));
        Assert.Contains(logs.Entries, e => e.Category == typeof(SuggestHandler).FullName && e.Level == LogLevel.Warning && e.Exception is not null);

        // The same answer as a host without a learned ranker, apart from the degraded flag.
        using (var heuristicHost = Host(string.Empty))
        {
            var heuristic = await heuristicHost.CreateClient(heuristicHost.CreateChannel()).SuggestAsync(new SuggestRequest { Prefix = "ge" });
            Assert.False(heuristic.Metadata.Degraded);
            Assert.Equal(heuristic.Items.Select(i => (i.Text, i.Score)), response.Items.Select(i => (i.Text, i.Score)));
        }

        // The server keeps answering, the model stays loaded (it was never refused) and still scores two-row batches.
        for (var i = 0; i < 3; i++)
        {
            var again = await client.SuggestAsync(new SuggestRequest { Prefix = "手" });
            Assert.Equal(3, again.Items.Count);
            Assert.Equal(["model_error"], again.Metadata.DegradedReasons);
        }

        two = await client.SuggestAsync(new SuggestRequest { Prefix = "halo" });
        Assert.Equal(HandMadeVersion, two.Metadata.ModelVersion);
        Assert.False(two.Metadata.Degraded);
        Assert.Equal(0, refused.Count);
    }
}
