using System.CommandLine;
using System.Globalization;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Simulate;

namespace QueryRec.Indexer.Commands;

/// <summary><c>simulate</c>: writes a seeded storefront log as JSONL events (see docs/simulator.md).</summary>
internal sealed class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var d = new SimulationOptions();
        var output = new Option<string>("--output") { Description = "The JSONL events file to write.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed and options give the same bytes.", DefaultValueFactory = _ => d.Seed };
        var users = new Option<int>("--users") { Description = "Number of users (ignored with --events).", DefaultValueFactory = _ => d.Users };
        var events = new Option<long?>("--events") { Description = "Target number of events; derives the number of users (result within a few per cent)." };
        var days = new Option<int>("--days") { Description = "Days covered.", DefaultValueFactory = _ => d.Days };
        var start = new Option<DateOnly>("--start") { Description = "First day (UTC), yyyy-MM-dd.", DefaultValueFactory = _ => DateOnly.FromDateTime(d.Start.UtcDateTime) };
        var sessions = new Option<double>("--sessions-per-user") { Description = "Mean sessions per user over the period (Poisson).", DefaultValueFactory = _ => d.SessionsPerUser };
        var searches = new Option<double>("--searches-per-session") { Description = "Mean search intents per session (1 + Poisson).", DefaultValueFactory = _ => d.SearchesPerSession };
        var zipf = new Option<double>("--zipf") { Description = "Zipf exponent of query popularity.", DefaultValueFactory = _ => d.Zipf };
        var fragments = new Option<bool>("--fragments") { Description = "Log typed fragments (keystroke prefixes of the next query); --fragments false turns them off.", DefaultValueFactory = _ => d.Fragments };
        var fragmentRate = new Option<double>("--fragment-rate") { Description = "Share of intents preceded by fragments.", DefaultValueFactory = _ => d.FragmentRate };
        var typoRate = new Option<double>("--typo-rate") { Description = "Share of intents whose first search is misspelt.", DefaultValueFactory = _ => d.TypoRate };
        var correctionRate = new Option<double>("--typo-correction-rate") { Description = "Share of typos followed by the corrected query.", DefaultValueFactory = _ => d.TypoCorrectionRate };
        var reformulationRate = new Option<double>("--reformulation-rate") { Description = "Share of queries with variants followed by one.", DefaultValueFactory = _ => d.ReformulationRate };
        var refinementRate = new Option<double>("--refinement-rate") { Description = "Share of queries with narrower ones followed by one.", DefaultValueFactory = _ => d.RefinementRate };
        var clickRate = new Option<double>("--click-rate") { Description = "Share of final queries with clicks.", DefaultValueFactory = _ => d.ClickRate };
        var clickNoise = new Option<double>("--click-noise") { Description = "Share of clicks on an item of another category.", DefaultValueFactory = _ => d.ClickNoise };
        var cartRate = new Option<double>("--cart-rate") { Description = "Share of clicks followed by a cart.", DefaultValueFactory = _ => d.CartRate };
        var orderRate = new Option<double>("--order-rate") { Description = "Share of carts followed by an order.", DefaultValueFactory = _ => d.OrderRate };
        var anonymousRate = new Option<double>("--anonymous-rate") { Description = "Share of users logged with a device id.", DefaultValueFactory = _ => d.AnonymousRate };
        var trending = new Option<int>("--trending") { Description = "Number of new-release queries that burst at the end.", DefaultValueFactory = _ => d.Trending };
        var trendDays = new Option<int>("--trend-days") { Description = "Length of the burst window at the end, in days.", DefaultValueFactory = _ => d.TrendDays };
        var trendShare = new Option<double>("--trend-share") { Description = "Share of intents that go to trending queries in the window (1/50 of it before).", DefaultValueFactory = _ => d.TrendShare };
        var vocabulary = new Option<int?>("--vocabulary") { Description = "Instead of events, write a query list of N distinct queries ('query<TAB>count', Zipf counts with --zipf) for build --queries: the catalog's queries, then synthesized variants (scale curve)." };
        var truth = new Option<string?>("--truth") { Description = "Also write the ground truth of the corrected typos (time, user, typed, intended, results; TSV) to this file, for evaluate --correction --truth." };
        var command = new Command("simulate", "Generate a seeded, realistic storefront log (JSONL events), streamed in time order.")
        {
            output, vocabulary, seed, users, events, days, start, sessions, searches, zipf, fragments, fragmentRate, typoRate, correctionRate,
            reformulationRate, refinementRate, clickRate, clickNoise, cartRate, orderRate, anonymousRate, trending, trendDays, trendShare, truth,
        };
        command.SetAction(r => r.GetValue(vocabulary) is { } size
            ? RunVocabulary(context, r.GetRequiredValue(output), size, r.GetValue(zipf), r.GetValue(seed))
            : Run(
            context,
            r.GetRequiredValue(output),
            new SimulationOptions
            {
                Seed = r.GetValue(seed),
                Users = r.GetValue(users),
                TargetEvents = r.GetValue(events),
                Days = r.GetValue(days),
                Start = new DateTimeOffset(r.GetValue(start).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                SessionsPerUser = r.GetValue(sessions),
                SearchesPerSession = r.GetValue(searches),
                Zipf = r.GetValue(zipf),
                Fragments = r.GetValue(fragments),
                FragmentRate = r.GetValue(fragmentRate),
                TypoRate = r.GetValue(typoRate),
                TypoCorrectionRate = r.GetValue(correctionRate),
                ReformulationRate = r.GetValue(reformulationRate),
                RefinementRate = r.GetValue(refinementRate),
                ClickRate = r.GetValue(clickRate),
                ClickNoise = r.GetValue(clickNoise),
                CartRate = r.GetValue(cartRate),
                OrderRate = r.GetValue(orderRate),
                AnonymousRate = r.GetValue(anonymousRate),
                Trending = r.GetValue(trending),
                TrendDays = r.GetValue(trendDays),
                TrendShare = r.GetValue(trendShare),
            },
            r.GetValue(truth)));
        return command;
    }

    /// <summary><c>simulate --vocabulary N</c>: writes a query list of N distinct queries (<see cref="VocabularyGenerator"/>).</summary>
    public static int RunVocabulary(CliContext context, string output, int size, double zipf, int seed)
    {
        if (size is < 1 or > VocabularyGenerator.MaxSize)
        {
            throw new CliUserException($"--vocabulary must be from 1 to {VocabularyGenerator.MaxSize:N0} (got {size}).");
        }

        if (!(zipf is >= 0 and <= 10))
        {
            throw new CliUserException($"--zipf must be between 0 and 10 (got {zipf.ToString(CultureInfo.InvariantCulture)}).");
        }

        var full = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var started = context.Time.GetTimestamp();
        var (written, fromCatalog) = context.WithProgress("vocabulary", progress =>
        {
            using var file = new StreamWriter(full, append: false, new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            return VocabularyGenerator.Write(Catalog.Default, size, zipf, seed, file, progress);
        });
        var elapsed = context.Time.GetElapsedTime(started);
        context.Summary("simulate --vocabulary", [
            ("seed", seed.ToString(CultureInfo.InvariantCulture)),
            ("zipf", zipf.ToString(CultureInfo.InvariantCulture)),
            ("queries", BuildCommand.N(written)),
            ("  from the catalog / synthesized", $"{BuildCommand.N(fromCatalog)} / {BuildCommand.N(written - fromCatalog)}"),
            ("bytes", BuildCommand.N(new FileInfo(full).Length)),
            ("time", elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s"),
            ("output", output),
        ]);
        return IndexerCli.ExitOk;
    }

    public static int Run(CliContext context, string output, SimulationOptions options, string? truthPath = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CliUserException(string.Join(" ", problems));
        }

        var full = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var started = context.Time.GetTimestamp();
        var stats = context.WithProgress("simulate", progress =>
        {
            using var file = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            if (truthPath is null)
            {
                return LogSimulator.Write(options, file, progress);
            }

            using var truthFile = new StreamWriter(truthPath, append: false, new System.Text.UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            truthFile.Write(TypoTruthWriter.Header + "\n");
            var truth = new TypoTruthWriter(truthFile);
            return LogSimulator.Write(options, file, progress, truth.Observe);
        });
        var elapsed = context.Time.GetElapsedTime(started);
        var bytes = new FileInfo(full).Length;
        static string N(long n) => BuildCommand.N(n);
        context.Summary("simulate", [
            ("seed", options.Seed.ToString(CultureInfo.InvariantCulture)),
            ("start", options.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            ("days", N(options.Days)),
            ("users (active / anonymous)", $"{N(stats.Users)} ({N(stats.ActiveUsers)} / {N(stats.AnonymousUsers)})"),
            ("sessions", N(stats.Sessions)),
            ("events", N(stats.Events)),
            ("searches", N(stats.ByType[(int)LogEventType.Search])),
            ("  intents (first query)", N(stats.ByRole[(int)SearchRole.Query])),
            ("  fragments", N(stats.ByRole[(int)SearchRole.Fragment])),
            ("  typos / corrected", $"{N(stats.ByRole[(int)SearchRole.Typo])} / {N(stats.ByRole[(int)SearchRole.Correction])}"),
            ("  reformulations", N(stats.ByRole[(int)SearchRole.Reformulation])),
            ("  refinements", N(stats.ByRole[(int)SearchRole.Refinement])),
            ("  trending", N(stats.TrendingSearches)),
            ("clicks", N(stats.ByType[(int)LogEventType.Click])),
            ("carts", N(stats.ByType[(int)LogEventType.Cart])),
            ("orders (amount)", $"{N(stats.ByType[(int)LogEventType.Order])} ({stats.OrderAmount.ToString("N2", CultureInfo.InvariantCulture)})"),
            ("distinct queries", N(stats.DistinctQueries)),
            ("max buffered events", N(stats.MaxBuffered)),
            ("bytes", N(bytes)),
            ("time", elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s"),
            ("events/s", N((long)(stats.Events / Math.Max(elapsed.TotalSeconds, 1e-6)))),
            ("output", output),
        ]);
        return IndexerCli.ExitOk;
    }
}
