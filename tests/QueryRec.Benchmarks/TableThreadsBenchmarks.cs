using System.Globalization;
using BenchmarkDotNet.Attributes;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Simulate;

namespace QueryRec.Benchmarks;

/// <summary>
/// The completion tables' passes on one thread (the baseline) against two (<c>build --table-threads 2</c>, issue #27):
/// a whole build of a synthesized vocabulary (<c>simulate --vocabulary</c>; QR_BENCH_VOCABULARY queries, default
/// 100,000) in 8 table passes, whose records are the same either way.
/// </summary>
[MemoryDiagnoser]
public class TableThreadsBenchmarks
{
    private string _list = null!;

    [GlobalSetup]
    public void Setup()
    {
        var size = int.TryParse(Environment.GetEnvironmentVariable("QR_BENCH_VOCABULARY"), CultureInfo.InvariantCulture, out var n) ? n : 100_000;
        using var writer = new StringWriter { NewLine = "\n" };
        VocabularyGenerator.Write(Catalog.Default, size, 1.0, 7, writer);
        _list = writer.ToString();
    }

    [Benchmark(Baseline = true, Description = "build a vocabulary, 8 table passes, 1 thread")]
    public ulong OneThread() => Build(1);

    [Benchmark(Description = "build a vocabulary, 8 table passes, 2 threads")]
    public ulong TwoThreads() => Build(2);

    private ulong Build(int threads)
    {
        var reader = new QueryListReader(1.0, 1, static _ => { });
        using var input = new StringReader(_list);
        var options = new BuildOptions { MinCount = 1, TablePartitions = 8, TableThreads = threads, Version = "bench" };
        return IndexBuilder.BuildFromQueryList(input, reader, options, TimeProvider.System, CancellationToken.None).Build.Manifest.Checksum;
    }
}
