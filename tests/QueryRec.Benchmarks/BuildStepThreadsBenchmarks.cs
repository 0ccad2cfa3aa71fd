using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Simulate;
using QueryRec.Storage;

namespace QueryRec.Benchmarks;

/// <summary>
/// The build's steps other than the table passes on one thread (the baseline) against two (<c>build --table-threads 2</c>,
/// issue #27): hygiene's misspelling search (one-edit look-ups included) over a synthesized vocabulary (QR_BENCH_VOCABULARY queries, default 200,000),
/// and the index file writer sorting, spilling and merging records of that vocabulary's size (48 MB runs).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class BuildStepThreadsBenchmarks
{
    private string[] _texts = null!;
    private long[] _counts = null!;
    private SearchOutcomes _outcomes = null!;
    private IndexRecord[] _records = null!;
    private string _directory = null!;

    [GlobalSetup]
    public void Setup()
    {
        var size = int.TryParse(Environment.GetEnvironmentVariable("QR_BENCH_VOCABULARY"), CultureInfo.InvariantCulture, out var n) ? n : 200_000;
        using var writer = new StringWriter { NewLine = "\n" };
        VocabularyGenerator.Write(Catalog.Default, size, 1.0, 7, writer);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        _texts = [.. lines.Select(static l => l[..l.IndexOf('\t', StringComparison.Ordinal)])];
        _counts = [.. lines.Select(static l => long.Parse(l.AsSpan(l.IndexOf('\t', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture))];
        // A query list's outcomes (searches only): the one-edit look-ups run, and confirm nothing, as in a list build.
        _outcomes = new SearchOutcomes([.. _counts.Select(static c => new SearchOutcomes.Outcome(c, 0, 0, 0, 0))], static (_, _) => 0);
        var random = new Random(3);
        // Five records a query, as the tables give: keys that share long prefixes, values of a few hundred bytes.
        _records = [.. _texts.SelectMany(static (t, i) => new[] { "q:" + t, "p:" + t, "py:" + t + i, "x:" + t + i, "rf:" + t })
            .Distinct(StringComparer.Ordinal)
            .Select(k => new IndexRecord(k, new byte[random.Next(50, 400)]))
            .OrderBy(_ => random.Next())];
        _directory = Directory.CreateTempSubdirectory("qr-bench-writer").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [BenchmarkCategory("misspellings")]
    [Benchmark(Baseline = true, Description = "misspellings, 1 thread")]
    public int MisspellingsOneThread() => Misspellings.Find(_texts, _counts, 5, _outcomes, threads: 1).Count(static d => d >= 0);

    [BenchmarkCategory("misspellings")]
    [Benchmark(Description = "misspellings, 2 threads")]
    public int MisspellingsTwoThreads() => Misspellings.Find(_texts, _counts, 5, _outcomes, threads: 2).Count(static d => d >= 0);

    [BenchmarkCategory("writer")]
    [Benchmark(Baseline = true, Description = "index file writer, 1 thread")]
    public ulong WriterOneThread() => Write(1);

    [BenchmarkCategory("writer")]
    [Benchmark(Description = "index file writer, 2 threads")]
    public ulong WriterTwoThreads() => Write(2);

    private ulong Write(int threads)
    {
        using var writer = new IndexFileWriter(Path.Combine(_directory, "bench.qrx"), 48L << 20, threads);
        foreach (var record in _records)
        {
            writer.Add(record);
        }

        return writer.Complete(static _ => "bench", DateTimeOffset.UnixEpoch, "bench").Checksum;
    }
}
