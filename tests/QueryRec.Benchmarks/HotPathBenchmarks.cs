using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Benchmarks;

/// <summary>
/// Time and bytes per operation of each stage of the Suggest hot path (issue #8, Build 3), on the shared benchmark
/// index: normalization, each first-round recall source and the typo-tolerant source read from the embedded store,
/// feature extraction and ONNX scoring of 64 candidates (the model <see cref="RankingBenchmarks"/> trains), the whole
/// in-process Suggest handler with the learned ranker (full and thin prefix nodes), the server's own handler and a
/// response-cache hit. The same call through a gRPC channel (serialization, HTTP/2 framing and interceptors included)
/// is <see cref="GrpcCallBenchmarks.SuggestUncached"/>, which needs the API host.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly Lock Gate = new();
    private static Inputs? _shared;

    private Inputs _in = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        lock (Gate)
        {
            _shared ??= Inputs.Create();
        }

        _in = _shared;
    }

    [Benchmark(Description = "normalize prefix (Latin, hanzi, mixed)")]
    public string Normalize() => QueryNormalizer.NormalizePrefix(Pick(_in.RawPrefixes));

    [Benchmark(Description = "recall: prefix table, Latin")]
    public async ValueTask<int> RecallPrefix() => (await _in.Prefix.RecallAsync(Pick(_in.LatinContexts), CancellationToken.None)).Count;

    [Benchmark(Description = "recall: pinyin tables, pinyin full")]
    public async ValueTask<int> RecallPinyin() => (await _in.Pinyin.RecallAsync(Pick(_in.PinyinContexts), CancellationToken.None)).Count;

    [Benchmark(Description = "recall: infix table, Latin")]
    public async ValueTask<int> RecallInfix() => (await _in.Infix.RecallAsync(Pick(_in.InfixContexts), CancellationToken.None)).Count;

    [Benchmark(Description = "recall: typo tolerance, 1 edit")]
    public async ValueTask<int> RecallFuzzy() => (await _in.Fuzzy.RecallAsync(Pick(_in.TypoContexts), CancellationToken.None)).Count;

    [Benchmark(Description = "features of 64 candidates")]
    public float[] Features64()
    {
        var set = Pick(_in.Ranking.CandidateSets);
        return OnnxRanker.FeatureBatch(set.Candidates, set.Prefix, _in.Ranking.Now, TrendingSnapshot.Empty, _in.HalfLife);
    }

    [Benchmark(Description = "ONNX score of 64 candidates")]
    public float OnnxScore64() => _in.Ranking.Model.Score(Pick(_in.Features), RankingBenchmarks.CandidatesPerCall)[0];

    [Benchmark(Baseline = true, Description = "Suggest handler, learned ranker")]
    public Task<SuggestResponse> SuggestModel() => _in.Ranking.ModelHandler.HandleAsync(Pick(_in.Ranking.Requests), RequestContext.Unbounded(), CancellationToken.None);

    [Benchmark(Description = "Suggest handler, learned ranker, thin node (fallback)")]
    public Task<SuggestResponse> SuggestModelThin() => _in.Ranking.ModelHandler.HandleAsync(Pick(_in.ThinRequests), RequestContext.Unbounded(), CancellationToken.None);

    [Benchmark(Description = "Suggest handler, server's own (heuristic)")]
    public Task<SuggestResponse> SuggestServer() => BenchIndex.Shared.Handler.HandleAsync(Pick(_in.Ranking.Requests), RequestContext.Unbounded(), CancellationToken.None);

    [Benchmark(Description = "Suggest handler, response cache hit (anonymous)")]
    public Task<SuggestResponse> SuggestCached() => _in.CachedHandler.HandleAsync(Pick(_in.Ranking.Requests), RequestContext.Unbounded(), CancellationToken.None);

    /// <summary>The server's handler with a response cache of its own (the benchmark pipeline's is off).</summary>
    private static SuggestHandler CachedHandler(BenchIndex index)
    {
        var settings = new SuggestOptions();
        settings.ResponseCache.Ttl = TimeSpan.FromMinutes(5);
        var cache = new SuggestResponseCache(Options.Create(settings), TimeProvider.System, index.Services.GetRequiredService<QueryRecInstrumentation>());
        return ActivatorUtilities.CreateInstance<SuggestHandler>(index.Services, cache);
    }

    private T Pick<T>(T[] items) => items[_next++ % items.Length];

    /// <summary>The inputs of every case, made once per process.</summary>
    private sealed class Inputs
    {
        public required RankingBenchmarks.RankingSetup Ranking { get; init; }

        public required string[] RawPrefixes { get; init; }

        public required SuggestContext[] LatinContexts { get; init; }

        public required SuggestContext[] PinyinContexts { get; init; }

        public required SuggestContext[] InfixContexts { get; init; }

        public required SuggestContext[] TypoContexts { get; init; }

        public required SuggestRequest[] ThinRequests { get; init; }

        public required float[][] Features { get; init; }

        public required TimeSpan HalfLife { get; init; }

        public required PrefixTableSource Prefix { get; init; }

        public required PinyinSource Pinyin { get; init; }

        public required InfixSource Infix { get; init; }

        public required FuzzySource Fuzzy { get; init; }

        public required SuggestHandler CachedHandler { get; init; }

        public static Inputs Create()
        {
            var index = BenchIndex.Shared;
            var ranking = RankingBenchmarks.Shared;
            var started = System.Diagnostics.Stopwatch.StartNew();
            var draw = new BenchInputs(index, SuggestLookupBenchmarks.Seed);
            var latin = draw.ExactLatin();
            var thin = draw.ExactLatinThin();
            var pinyin = draw.PinyinFull();
            var infix = draw.InfixLatin();
            var typo = draw.Typo1();
            var hanzi = draw.ExactHanzi();
            var mixed = draw.Mixed();
            var matching = index.Services.GetRequiredService<IOptions<MatchingOptions>>().Value;
            var halfLife = index.Services.GetRequiredService<IOptionsMonitor<HeuristicRankingOptions>>().CurrentValue.HistoryHalfLife;
            SuggestContext[] Contexts(string[] prefixes, bool thinRecall) =>
                [.. prefixes.Select(p => new SuggestContext(QueryNormalizer.NormalizePrefix(p), null, index.Serving, TrendingSnapshot.Empty) { ExactRecallThin = thinRecall })];

            // Raw typed text: case, full-width and spacing variants of the three input kinds, as a client sends them.
            var raw = latin.Take(86).Select(static p => " " + p.ToUpperInvariant() + "  ")
                .Concat(hanzi.Take(85))
                .Concat(mixed.Take(85).Select(static p => p.Replace("a", "Ａ", StringComparison.Ordinal)))
                .ToArray();
            var inputs = new Inputs
            {
                Ranking = ranking,
                RawPrefixes = raw,
                LatinContexts = Contexts(latin, false),
                PinyinContexts = Contexts(pinyin, false),
                InfixContexts = Contexts(infix, false),
                TypoContexts = Contexts(typo, true),
                ThinRequests = [.. thin.Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit })],
                Features = [.. ranking.CandidateSets.Select(s => OnnxRanker.FeatureBatch(s.Candidates, s.Prefix, ranking.Now, TrendingSnapshot.Empty, halfLife))],
                HalfLife = halfLife,
                Prefix = new PrefixTableSource(),
                Pinyin = new PinyinSource(matching),
                Infix = new InfixSource(matching),
                Fuzzy = new FuzzySource(matching),
                CachedHandler = CachedHandler(index),
            };
            foreach (var request in ranking.Requests)
            {
                inputs.CachedHandler.HandleAsync(request, RequestContext.Unbounded(), CancellationToken.None).GetAwaiter().GetResult();
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// hot-path inputs ready in {started.Elapsed.TotalSeconds:F1} s"));
            return inputs;
        }
    }
}
