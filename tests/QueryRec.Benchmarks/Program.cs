using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using QueryRec.Benchmarks;

// Usage: dotnet run -c Release --project tests/QueryRec.Benchmarks -- [--quick] [BenchmarkDotNet options, e.g. --filter '*Pinyin*']
// --quick: 1 warm-up and 3 measured iterations (a short job) instead of BenchmarkDotNet's default run.
// Or: dotnet run -c Release --project tests/QueryRec.Benchmarks -- mrr [--input /tmp/bb.jsonl] [--split 2011-10-01T00:00:00Z]
//   [--settings tests/eval/bestbuy.settings.json] [--rebuild-every 1d] [--no-service]: the Lucene peer's MRR@10 (LuceneReplay).
// Or: ... -- profile [--dump FILE | --loop SET --seconds N]: answers of every input for a diff, or a call loop (ProfileLoop).
// Or: ... -- noop-host --url http://127.0.0.1:PORT: the load harness's floor, a bare no-op gRPC method (NoOpHost).
if (args is ["mrr", .. var mrrArgs])
{
    return await LuceneReplay.RunAsync(mrrArgs);
}

if (args is ["noop-host", .. var hostArgs])
{
    return await NoOpHost.RunAsync(hostArgs);
}

if (args is ["profile", .. var profileArgs])
{
    return await ProfileLoop.RunAsync(profileArgs);
}

var quick = args.Contains("--quick", StringComparer.Ordinal);
var rest = args.Where(static a => a != "--quick").ToArray();

// In process: the index and its serving pipeline are built once (BenchIndex.Shared) and shared by every benchmark
// case, instead of once per case in a separate process each.
var job = (quick ? Job.ShortRun.WithWarmupCount(1).WithIterationCount(3) : Job.Default)
    // A long timeout: the shared setup (index build, about a minute) can take many minutes on a loaded machine, and
    // the in-process toolchain's default (5 minutes) then aborts the first benchmark.
    .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true))
    .WithId(quick ? "quick" : "default");
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
try
{
    BenchmarkSwitcher.FromAssembly(typeof(SuggestLookupBenchmarks).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
}
finally
{
    await BenchIndex.DisposeSharedAsync();
}

return 0;
