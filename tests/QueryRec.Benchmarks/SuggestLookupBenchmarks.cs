using System.Globalization;
using BenchmarkDotNet.Attributes;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Evaluate;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Suggest;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Benchmarks;

/// <summary>
/// The cost of one Suggest call (lookup and rank, in process, no gRPC) per match type, against the exact-prefix path
/// on Latin input (the baseline). Each benchmark rotates through its own <see cref="BenchInputs.Count"/> inputs, so
/// one hot node cannot hide the cost. Fallback inputs (any-order, typo, homophone) have no exact-prefix node, so each
/// call runs the first round and then the fallback round. The Lucene.NET peer (<see cref="LucenePeer"/>, over the same
/// queries and popularities) answers the same exact-prefix inputs in the same run, so its <c>Ratio</c> reads directly
/// against the baseline.
/// </summary>
public class SuggestLookupBenchmarks
{
    /// <summary>The seed of the input draw.</summary>
    public const int Seed = 5;

    private static readonly Lock Gate = new();
    private static InputSets? _inputs;
    private static LucenePeer? _lucene;

    private SuggestHandler _handler = null!;
    private FuzzyTrie _trie = null!;
    private IIndexSnapshot _snapshot = null!;
    private InputSets _sets = null!;
    private LucenePeer _peer = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var index = BenchIndex.Shared;
        _handler = index.Handler;
        _trie = index.Trie;
        _snapshot = index.Serving.Snapshot;
        lock (Gate)
        {
            _inputs ??= InputSets.Create(index);
        }

        _sets = _inputs;
    }

    /// <summary>The common setup, then the Lucene peer over the served index's queries (built once per process).</summary>
    [GlobalSetup(Targets = [nameof(LuceneExactLatin), nameof(LuceneExactHanzi)])]
    public void SetupLucene()
    {
        Setup();
        lock (Gate)
        {
            _lucene ??= BuildPeer(BenchIndex.Shared, _sets);
        }

        _peer = _lucene;
    }

    [Benchmark(Baseline = true, Description = "exact prefix, Latin")]
    public Task<SuggestResponse> ExactLatin() => Suggest(_sets.ExactLatin);

    [Benchmark(Description = "Lucene peer: exact prefix, Latin")]
    public IReadOnlyList<string> LuceneExactLatin() => _peer.Suggest(_sets.ExactLatin[_next++ % _sets.ExactLatin.Length].Prefix, BenchInputs.Limit);

    [Benchmark(Description = "Lucene peer: exact prefix, hanzi")]
    public IReadOnlyList<string> LuceneExactHanzi() => _peer.Suggest(_sets.ExactHanzi[_next++ % _sets.ExactHanzi.Length].Prefix, BenchInputs.Limit);

    [Benchmark(Description = "our prefix node read alone, Latin")]
    public ValueTask<PrefixNode?> PrefixNodeLatin() => _snapshot.GetCompletionNodeAsync(CompletionTable.Prefix, _sets.ExactLatin[_next++ % _sets.ExactLatin.Length].Prefix, CancellationToken.None);

    [Benchmark(Description = "exact prefix, Latin, < 10 completions (fallback)")]
    public Task<SuggestResponse> ExactLatinThin() => Suggest(_sets.ExactLatinThin);

    [Benchmark(Description = "exact prefix, hanzi")]
    public Task<SuggestResponse> ExactHanzi() => Suggest(_sets.ExactHanzi);

    [Benchmark(Description = "pinyin full, 2-4 syllables")]
    public Task<SuggestResponse> PinyinFull() => Suggest(_sets.PinyinFull);

    [Benchmark(Description = "pinyin initials, 3-5 letters")]
    public Task<SuggestResponse> PinyinInitials() => Suggest(_sets.Initials);

    [Benchmark(Description = "mixed hanzi + syllable")]
    public Task<SuggestResponse> PinyinMixed() => Suggest(_sets.Mixed);

    [Benchmark(Description = "word-start infix, Latin")]
    public Task<SuggestResponse> InfixLatin() => Suggest(_sets.InfixLatin);

    [Benchmark(Description = "word-start infix, hanzi")]
    public Task<SuggestResponse> InfixHanzi() => Suggest(_sets.InfixHanzi);

    [Benchmark(Description = "any-order infix (fallback)")]
    public Task<SuggestResponse> AnyOrderInfix() => Suggest(_sets.AnyOrder);

    [Benchmark(Description = "typo, 1 edit, 4-7 chars (fallback)")]
    public Task<SuggestResponse> Typo1() => Suggest(_sets.Typo1);

    [Benchmark(Description = "typo, 2 edits, 8-12 chars (fallback)")]
    public Task<SuggestResponse> Typo2() => Suggest(_sets.Typo2);

    [Benchmark(Description = "homophone hanzi (fallback)")]
    public Task<SuggestResponse> Homophone() => Suggest(_sets.Homophone);

    [Benchmark(Description = "trie search alone, 1 edit")]
    public int TrieSearch1()
    {
        var input = _sets.Typo1[_next++ % _sets.Typo1.Length].Prefix;
        return _trie.Search(input, 1, 4).Count;
    }

    [Benchmark(Description = "trie search alone, 2 edits")]
    public int TrieSearch2()
    {
        var input = _sets.Typo2[_next++ % _sets.Typo2.Length].Prefix;
        return _trie.Search(input, 2, 4).Count;
    }

    private static LucenePeer BuildPeer(BenchIndex index, InputSets sets)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var peer = new LucenePeer(EvalVocabulary.Read(index.IndexPath).Select(static e => (e.Text, e.Popularity)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Lucene peer: {peer.Count:N0} documents indexed in {started.Elapsed.TotalSeconds:F1} s"));

        // What the peer answers on the same inputs: answered at all, and the same first suggestion as ours.
        foreach (var (name, requests) in new[] { ("exact Latin", sets.ExactLatin), ("exact hanzi", sets.ExactHanzi) })
        {
            var answered = 0;
            var sameFirst = 0;
            foreach (var request in requests)
            {
                var theirs = peer.Suggest(request.Prefix, BenchInputs.Limit);
                var ours = index.Handler.HandleAsync(request, RequestContext.Unbounded(), CancellationToken.None).GetAwaiter().GetResult();
                answered += theirs.Count > 0 ? 1 : 0;
                sameFirst += theirs.Count > 0 && ours.Items.Count > 0 && theirs[0] == ours.Items[0].Text ? 1 : 0;
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// Lucene peer {name,-12}: {requests.Length} inputs, {answered} answered, {sameFirst} with our first suggestion first"));
        }

        return peer;
    }

    private Task<SuggestResponse> Suggest(SuggestRequest[] requests)
        => _handler.HandleAsync(requests[_next++ % requests.Length], RequestContext.Unbounded(), CancellationToken.None);

    /// <summary>The requests of every benchmark, drawn once per process.</summary>
    private sealed record InputSets(
        SuggestRequest[] ExactLatin,
        SuggestRequest[] ExactLatinThin,
        SuggestRequest[] ExactHanzi,
        SuggestRequest[] PinyinFull,
        SuggestRequest[] Initials,
        SuggestRequest[] Mixed,
        SuggestRequest[] InfixLatin,
        SuggestRequest[] InfixHanzi,
        SuggestRequest[] AnyOrder,
        SuggestRequest[] Typo1,
        SuggestRequest[] Typo2,
        SuggestRequest[] Homophone)
    {
        public static InputSets Create(BenchIndex index)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var draw = new BenchInputs(index, Seed);
            var sets = new InputSets(
                Requests(draw.ExactLatin()),
                Requests(draw.ExactLatinThin()),
                Requests(draw.ExactHanzi()),
                Requests(draw.PinyinFull()),
                Requests(draw.Initials()),
                Requests(draw.Mixed()),
                Requests(draw.InfixLatin()),
                Requests(draw.InfixHanzi()),
                Requests(draw.AnyOrder()),
                Requests(draw.Typo1()),
                Requests(draw.Typo2()),
                Requests(draw.Homophone()));

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// inputs drawn in {started.Elapsed.TotalSeconds:F1} s"));
            started.Restart();

            // What the inputs actually exercise: the share answered by the path they stand for.
            Report(index, "exact Latin", sets.ExactLatin, Source.Prefix);
            Report(index, "Latin thin", sets.ExactLatinThin, Source.Prefix);
            Report(index, "exact hanzi", sets.ExactHanzi, Source.Prefix);
            Report(index, "pinyin full", sets.PinyinFull, Source.PinyinFull);
            Report(index, "initials", sets.Initials, Source.PinyinInitials);
            Report(index, "mixed", sets.Mixed, Source.PinyinMixed);
            Report(index, "infix Latin", sets.InfixLatin, Source.Infix);
            Report(index, "infix hanzi", sets.InfixHanzi, Source.Infix);
            Report(index, "any-order", sets.AnyOrder, Source.Infix);
            Report(index, "typo 1", sets.Typo1, Source.Fuzzy);
            Report(index, "typo 2", sets.Typo2, Source.Fuzzy);
            Report(index, "homophone", sets.Homophone, Source.Fuzzy);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// inputs checked in {started.Elapsed.TotalSeconds:F1} s"));
            return sets;
        }

        private static SuggestRequest[] Requests(string[] inputs) => [.. inputs.Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit })];

        private static void Report(BenchIndex index, string name, SuggestRequest[] requests, Source source)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var answered = 0;
            var bySource = 0;
            var degraded = 0;
            foreach (var request in requests)
            {
                var response = index.Handler.HandleAsync(request, RequestContext.Unbounded(), CancellationToken.None).GetAwaiter().GetResult();
                answered += response.Items.Count > 0 ? 1 : 0;
                bySource += response.Items.Any(i => i.Sources.Contains(source)) ? 1 : 0;
                degraded += response.Metadata.Degraded ? 1 : 0;
            }

            var examples = string.Join(", ", requests.Take(4).Select(static r => r.Prefix));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// inputs {name,-12}: {requests.Length} drawn, {answered} answered, {bySource} with a {source} item, {degraded} degraded, {started.Elapsed.TotalMilliseconds / requests.Length:F2} ms/call cold; e.g. {examples}"));
        }
    }
}
