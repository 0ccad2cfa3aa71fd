using System.Globalization;
using QueryRec.Core.Matching;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Storage;

namespace QueryRec.Benchmarks;

/// <summary>
/// <c>mrr</c> mode of the benchmark program (docs/performance.md, "Lucene.NET peer"): the static time-split replay of
/// <c>indexer evaluate</c> (the same events, repeated search rows dropped, the same index built before the split, the
/// same test searches and prefixes, the same metric code and near-duplicate hit rule) for the Lucene peer over the
/// index-time dictionary (the built index's queries and popularities) beside our static MPC; then, unless
/// <c>--no-service</c>, <c>indexer evaluate</c> itself in process (static MPC, streaming MPC, the service's heuristic)
/// with the given settings, so our service's figure is on the same test pairs.
/// </summary>
internal static class LuceneReplay
{
    /// <summary>Runs the mode; <paramref name="args"/> follow the word <c>mrr</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var input = Option(args, "--input") ?? "/tmp/bb.jsonl";
        var splitText = Option(args, "--split") ?? "2011-10-01T00:00:00Z";
        var settings = Option(args, "--settings") ?? "tests/eval/bestbuy.settings.json";
        var rebuild = Option(args, "--rebuild-every") ?? "1d";
        const int MaxPrefix = 10;
        if (!File.Exists(input))
        {
            await Console.Error.WriteLineAsync($"mrr: events file not found: {input} (make it with indexer import --format bestbuy)");
            return 1;
        }

        if (!DateTimeOffset.TryParse(splitText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var split))
        {
            await Console.Error.WriteLineAsync($"mrr: --split '{splitText}' is not a date and time.");
            return 1;
        }

        var started = System.Diagnostics.Stopwatch.StartNew();

        // As EvaluateCommand.RunAsync: the events in time order without repeated search rows, the build before the split,
        // every normalized non-empty search at or after it as a test query.
        long badLines = 0;
        var events = ReplayLog.WithoutRepeatedSearches(JsonlEventFormat.ReadFile(input, _ => badLines++).OrderBy(static e => e.Time), out _);
        var (train, tests) = ReplayLog.Split(events, split);
        if (train.Count == 0 || tests.Count == 0)
        {
            await Console.Error.WriteLineAsync($"mrr: the split {split:O} leaves {train.Count} events before it and {tests.Count} test searches after it; both must be non-empty.");
            return 1;
        }

        var built = IndexBuilder.Build(train, new BuildOptions(), TimeProvider.System);
        var nearKey = new Func<string, string>(NearDuplicates.Key);
        var (staticNear, staticExact) = await EvaluateRuns.StaticMpcAsync(built.Build, tests, MaxPrefix, nearKey, null, CancellationToken.None);

        var indexPath = Path.Combine(Path.GetTempPath(), $"queryrec-lucene-{Guid.NewGuid():N}.qrx");
        IReadOnlyList<VocabularyEntry> vocabulary;
        try
        {
            IndexFile.WriteFile(built.Build, indexPath);
            vocabulary = EvalVocabulary.Read(indexPath);
        }
        finally
        {
            File.Delete(indexPath);
        }

        using var peer = new LucenePeer(vocabulary.Select(static e => (e.Text, e.Popularity)));

        // The peer shows its top 10 as indexed (exact column), and for the near-duplicate hit rule its top 20 collapsed
        // by the service's key, then the first 10: the same collapse the MPC lists get, and a generous one.
        var (luceneNear, luceneExact) = await EvaluateRuns.PrefixCasesAsync(tests, MaxPrefix, prefix =>
        {
            var lists = (EvaluateRuns.Collapse(peer.Suggest(prefix, 2 * ReplayMetrics.Depth), nearKey), peer.Suggest(prefix, ReplayMetrics.Depth));
            return ValueTask.FromResult<(IReadOnlyList<string>, IReadOnlyList<string>)>(lists);
        });

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// split {split:O}: {train.Count:N0} events before it ({badLines:N0} bad lines skipped), {tests.Count:N0} test searches, {vocabulary.Count:N0} queries in the index-time dictionary (Lucene: {peer.Count:N0} documents), {started.Elapsed.TotalSeconds:F1} s"));
        Console.WriteLine("| ranker | MRR@10 | success@1 | success@5 | success@10 | pSaved | MRR@10 exact text | cases |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        Row("static MPC (ours)", staticNear, staticExact);
        Row("Lucene.NET peer", luceneNear, luceneExact);

        if (args.Contains("--no-service", StringComparer.Ordinal))
        {
            return 0;
        }

        Console.WriteLine($"// indexer evaluate --input {input} --split {splitText} --settings {settings} --rebuild-every {rebuild}");
        return await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", splitText, "--settings", settings, "--rebuild-every", rebuild]);

        void Row(string name, List<ReplayCase> near, List<ReplayCase> exact)
        {
            var n = ReplayMetrics.Compute(near, MaxPrefix, 1, nearKey);
            var e = ReplayMetrics.Compute(exact, MaxPrefix);
            var o = n.Overall;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {o.Mrr10:F4} | {o.Success1:F4} | {o.Success5:F4} | {o.Success10:F4} | {n.PSaved:F4} | {e.Overall.Mrr10:F4} | {o.Cases:N0} |"));
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
