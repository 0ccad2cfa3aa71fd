using System.Diagnostics;
using System.Globalization;
using System.Text;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Benchmarks;

/// <summary>
/// The <c>profile</c> mode: the benchmark index and inputs without BenchmarkDotNet, for a profiler to attach to and
/// for checking that a change leaves the answers alone.
/// <list type="bullet">
/// <item><c>--dump FILE</c>: every input of every match type (the inputs of <see cref="SuggestLookupBenchmarks"/>),
/// answered one at a time, one line per input with its whole answer (texts, scores, sources, reasons, collapsed
/// variants, degraded reasons), for a diff between two builds.</item>
/// <item><c>--loop SET --seconds N</c>: calls <c>SuggestHandler.HandleAsync</c> on the set's inputs in rotation for N
/// seconds (after a warm-up), then prints the calls, µs per call and bytes allocated per call (every thread).
/// SET is one of exact-latin, exact-hanzi, latin-thin, pinyin, infix-latin.</item>
/// </list>
/// </summary>
internal static class ProfileLoop
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? dump = null;
        var set = "exact-latin";
        var seconds = 20.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dump" when i + 1 < args.Length:
                    dump = args[++i];
                    break;
                case "--loop" when i + 1 < args.Length:
                    set = args[++i];
                    break;
                case "--seconds" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s > 0:
                    seconds = s;
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"profile: unknown or incomplete option '{args[i]}' (--dump FILE | --loop SET --seconds N).");
                    return 1;
            }
        }

        try
        {
            var index = BenchIndex.Shared;
            var draw = new BenchInputs(index, SuggestLookupBenchmarks.Seed);
            if (dump is not null)
            {
                var sets = new (string Name, string[] Inputs)[]
                {
                    ("exact-latin", draw.ExactLatin()), ("latin-thin", draw.ExactLatinThin()), ("exact-hanzi", draw.ExactHanzi()),
                    ("pinyin", draw.PinyinFull()), ("initials", draw.Initials()), ("mixed", draw.Mixed()),
                    ("infix-latin", draw.InfixLatin()), ("infix-hanzi", draw.InfixHanzi()), ("any-order", draw.AnyOrder()),
                    ("typo1", draw.Typo1()), ("typo2", draw.Typo2()), ("homophone", draw.Homophone()),
                };
                await using var writer = new StreamWriter(dump, append: false, new UTF8Encoding(false));
                foreach (var (name, inputs) in sets)
                {
                    foreach (var prefix in inputs)
                    {
                        var response = await index.Handler.HandleAsync(new SuggestRequest { Prefix = prefix, Limit = BenchInputs.Limit }, RequestContext.Unbounded(), CancellationToken.None);
                        await writer.WriteLineAsync(Line(name, prefix, response));
                    }
                }

                Console.WriteLine($"// answers of {sets.Sum(static s => s.Inputs.Length)} inputs written to {dump}");
                return 0;
            }

            var prefixes = set switch
            {
                "exact-latin" => draw.ExactLatin(),
                "exact-hanzi" => draw.ExactHanzi(),
                "latin-thin" => draw.ExactLatinThin(),
                "pinyin" => draw.PinyinFull(),
                "infix-latin" => draw.InfixLatin(),
                _ => null,
            };
            if (prefixes is null)
            {
                Console.Error.WriteLine($"profile: unknown set '{set}'.");
                return 1;
            }

            var requests = prefixes.Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit }).ToArray();
            var handler = index.Handler;
            for (var i = 0; i < requests.Length * 20; i++)
            {
                await handler.HandleAsync(requests[i % requests.Length], RequestContext.Unbounded(), CancellationToken.None);
            }

            Console.WriteLine($"// {set}: looping for {seconds} s (pid {Environment.ProcessId})");
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var calls = 0L;
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                for (var i = 0; i < requests.Length; i++)
                {
                    await handler.HandleAsync(requests[i], RequestContext.Unbounded(), CancellationToken.None);
                }

                calls += requests.Length;
            }

            watch.Stop();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
            var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// {set}: {calls:N0} calls, {watch.Elapsed.TotalMicroseconds / calls:F1} us/call wall, {used.TotalMicroseconds / calls:F1} us/call process CPU, {(double)allocated / calls:F0} B/call"));
            return 0;
        }
        finally
        {
            await BenchIndex.DisposeSharedAsync();
        }
    }

    private static string Line(string set, string prefix, SuggestResponse response)
    {
        var line = new StringBuilder().Append(set).Append('\t').Append(prefix).Append('\t');
        foreach (var item in response.Items)
        {
            line.Append(CultureInfo.InvariantCulture, $"{item.Text}|{item.Score:R}|{string.Join(',', item.Sources)}|{item.Reason}|{item.CollapsedVariants}|{item.CategoryHint};");
        }

        return line.Append('\t').Append(string.Join(',', response.Metadata.DegradedReasons)).ToString();
    }
}
