using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Suggest;

namespace QueryRec.Benchmarks;

/// <summary>
/// The learned ranker's share of a Suggest call (issue #6): ranking 64 real candidates (feature extraction plus one
/// ONNX Runtime batch) against a whole in-process Suggest call with the model on (the baseline), and the same call with
/// the heuristic scorer. The model is trained by our trainer in the setup; both Suggest handlers serve the shared
/// benchmark index and differ only in their ranker.
/// </summary>
[MemoryDiagnoser]
public class RankingBenchmarks
{
    /// <summary>Candidates per ranking call.</summary>
    public const int CandidatesPerCall = 64;

    private static readonly Lock Gate = new();
    private static RankingSetup? _shared;

    private RankingSetup _setup = null!;
    private int _next;

    /// <summary>The trained model, handlers and candidate sets, made once per process (shared with <see cref="HotPathBenchmarks"/>).</summary>
    internal static RankingSetup Shared
    {
        get
        {
            var index = BenchIndex.Shared;
            lock (Gate)
            {
                return _shared ??= RankingSetup.Create(index);
            }
        }
    }

    [GlobalSetup]
    public void Setup() => _setup = Shared;

    [Benchmark(Description = "rank 64 candidates (features + ONNX)")]
    public float Rank64()
    {
        var set = _setup.CandidateSets[_next++ % _setup.CandidateSets.Length];
        _setup.ModelRanker.Score(_setup.Model, set.Candidates, set.Prefix, _setup.Now, TrendingSnapshot.Empty);
        return (float)set.Candidates[0].Score;
    }

    [Benchmark(Description = "rank one call's own candidates (features + ONNX)")]
    public float RankRecalled()
    {
        var set = _setup.RecalledSets[_next++ % _setup.RecalledSets.Length];
        _setup.ModelRanker.Score(_setup.Model, set.Candidates, set.Prefix, _setup.Now, TrendingSnapshot.Empty);
        return (float)set.Candidates[0].Score;
    }

    [Benchmark(Baseline = true, Description = "Suggest, learned ranker")]
    public Task<SuggestResponse> SuggestModel() => _setup.ModelHandler.HandleAsync(Next(), RequestContext.Unbounded(), CancellationToken.None);

    [Benchmark(Description = "Suggest, heuristic")]
    public Task<SuggestResponse> SuggestHeuristic() => _setup.HeuristicHandler.HandleAsync(Next(), RequestContext.Unbounded(), CancellationToken.None);

    private SuggestRequest Next() => _setup.Requests[_next++ % _setup.Requests.Length];

    /// <summary>One ranking input: real recalled candidates and the prefix they were recalled for.</summary>
    internal sealed record CandidateSet(string Prefix, Candidate[] Candidates);

    /// <summary>The trained model, the two handlers and the inputs, made once per process.</summary>
    internal sealed class RankingSetup
    {
        private RankingSetup(
            OnnxRanker modelRanker,
            RankingModel model,
            SuggestHandler modelHandler,
            SuggestHandler heuristicHandler,
            SuggestRequest[] requests,
            CandidateSet[] sets,
            CandidateSet[] recalledSets)
        {
            RecalledSets = recalledSets;
            ModelRanker = modelRanker;
            Model = model;
            ModelHandler = modelHandler;
            HeuristicHandler = heuristicHandler;
            Requests = requests;
            CandidateSets = sets;
        }

        public OnnxRanker ModelRanker { get; }

        public RankingModel Model { get; }

        public SuggestHandler ModelHandler { get; }

        public SuggestHandler HeuristicHandler { get; }

        /// <summary>The exact Latin prefix inputs of <see cref="SuggestLookupBenchmarks"/> (full nodes, no fallback round).</summary>
        public SuggestRequest[] Requests { get; }

        /// <summary>Per input, 64 real candidates: its own first-round recall topped up from the next inputs'.</summary>
        public CandidateSet[] CandidateSets { get; }

        /// <summary>Per input, its own first-round recall as is: what a Suggest call on it ranks.</summary>
        public CandidateSet[] RecalledSets { get; }

        public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

        public static RankingSetup Create(BenchIndex index)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var services = index.Services;

            // A model from our own trainer, as `indexer train --synthetic 2000` (default iterations and leaves).
            var onnx = Path.Combine(Directory.CreateDirectory(Path.Combine(index.WorkDirectory, "model")).FullName, "model.onnx");
            var card = RankerTrainer.Train(LtrDataset.Synthetic(2000, 42), new RankerTrainerOptions(), onnx, DateTimeOffset.UtcNow);

            var modelHost = Ranker(services, onnx, out var modelRanker);
            var model = modelHost.Acquire() ?? throw new InvalidOperationException($"the trained model {onnx} was not loaded.");
            var modelHandler = ActivatorUtilities.CreateInstance<SuggestHandler>(services, modelRanker);
            Ranker(services, path: null, out var heuristicRanker);
            var heuristicHandler = ActivatorUtilities.CreateInstance<SuggestHandler>(services, heuristicRanker);

            var draw = new BenchInputs(index, SuggestLookupBenchmarks.Seed);
            var requests = draw.ExactLatin().Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit }).ToArray();
            var check = modelHandler.HandleAsync(requests[0], RequestContext.Unbounded(), CancellationToken.None).GetAwaiter().GetResult();
            if (check.Metadata.ModelVersion != card.ModelVersion || check.Metadata.Degraded)
            {
                throw new InvalidOperationException($"the model handler answered with {check.Metadata.ModelVersion} (degraded: {string.Join(",", check.Metadata.DegradedReasons)}).");
            }

            // Real candidates: the first recall round of each input (prefix, pinyin and infix tables, as Suggest runs it
            // for a caller without history), topped up to 64 from the next inputs' recalls.
            var matching = services.GetRequiredService<IOptions<MatchingOptions>>().Value;
            IRecallSource<SuggestContext>[] sources = [new PrefixTableSource(), new PinyinSource(matching), new InfixSource(matching)];
            var trending = services.GetRequiredService<TrendingQueries>().Current;
            var logger = services.GetRequiredService<ILogger<RankingBenchmarks>>();
            var recalled = requests.Select(r =>
            {
                var context = new SuggestContext(QueryRec.Core.Normalization.QueryNormalizer.NormalizePrefix(r.Prefix), null, index.Serving, trending);
                return RecallRunner.RunAsync(sources, context, new CallScope(DateTime.MaxValue, TimeProvider.System), TimeSpan.FromSeconds(5), TimeProvider.System, logger, "bench", CancellationToken.None)
                    .GetAwaiter().GetResult().Candidates;
            }).ToArray();
            var sets = new CandidateSet[requests.Length];
            for (var i = 0; i < requests.Length; i++)
            {
                var chosen = new Dictionary<string, Candidate>(StringComparer.Ordinal);
                for (var j = i; chosen.Count < CandidatesPerCall; j = (j + 1) % requests.Length)
                {
                    foreach (var candidate in recalled[j])
                    {
                        if (chosen.Count < CandidatesPerCall)
                        {
                            chosen.TryAdd(candidate.Text, candidate);
                        }
                    }
                }

                sets[i] = new CandidateSet(QueryRec.Core.Normalization.QueryNormalizer.NormalizePrefix(requests[i].Prefix), [.. chosen.Values]);
            }

            var kinds = sets.SelectMany(static s => s.Candidates).GroupBy(static c => c.Features.MatchType)
                .Select(static g => $"{g.Key} {g.Count()}");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// ranking setup: model {card.ModelVersion} ({card.ModelBytes:N0} bytes, {card.Rows:N0} rows), {requests.Length} inputs whose first round recalls "
                + $"{recalled.Average(static r => r.Count):F1} candidates on average (min {recalled.Min(static r => r.Count)}, max {recalled.Max(static r => r.Count)}), "
                + $"64-candidate sets by match type: {string.Join(", ", kinds)}; ready in {started.Elapsed.TotalSeconds:F1} s"));
            var own = requests.Select((r, i) => new CandidateSet(sets[i].Prefix, [.. recalled[i]])).ToArray();
            return new RankingSetup(modelRanker, model, modelHandler, heuristicHandler, requests, sets, own);
        }

        /// <summary>A model host (loaded now) and its ranker; a null path means no learned ranker (the heuristic ranks).</summary>
        private static RankingModelHost Ranker(IServiceProvider services, string? path, out OnnxRanker ranker)
        {
            var host = ActivatorUtilities.CreateInstance<RankingModelHost>(services, Options.Create(new RankingModelOptions { Path = path }));
            host.CheckForChange();
            ranker = ActivatorUtilities.CreateInstance<OnnxRanker>(services, host);
            return host;
        }
    }
}
