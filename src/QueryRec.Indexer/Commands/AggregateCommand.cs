using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using QueryRec.Indexer.Aggregates;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>aggregate</c>: the first half of a build, aggregating JSONL events into the aggregate tables (one Parquet file
/// each, docs/data-formats.md) that <c>build --aggregates</c> reads; with the C# aggregator or the SQL of sql/duckdb.
/// </summary>
internal static class AggregateCommand
{
    private const string CSharp = "csharp";
    private const string DuckDb = "duckdb";

    public static Command Create(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "The JSONL events file.", Required = true };
        var output = new Option<string>("--output") { Description = "The directory of aggregate tables to write (one .parquet file per table).", Required = true };
        var engine = new Option<string>("--engine") { Description = "csharp: the indexer's streaming aggregator; duckdb: sql/duckdb/aggregate.sql on embedded DuckDB (all cores).", DefaultValueFactory = _ => CSharp };
        engine.AcceptOnlyFromAmong(CSharp, DuckDb);
        var writeEvents = new Option<bool>("--write-events") { Description = "With --engine duckdb: also write the normalized events (the SQL's input, sql/duckdb/events.sql) as events.parquet, for running sql/ elsewhere." };
        var sql = new Option<string?>("--sql") { Description = "With --engine duckdb: run this aggregation script instead of the built-in sql/duckdb/aggregate.sql (same input and output tables)." };
        var aggregation = new AggregationArgs();
        var command = new Command("aggregate", "Aggregate JSONL events into the aggregate tables (Parquet) that build --aggregates reads.") { input, output, engine, writeEvents, sql };
        foreach (var option in aggregation.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = aggregation.ApplyTo(parseResult, new BuildOptions());
            var chosen = parseResult.GetValue(engine)!;
            var script = parseResult.GetValue(sql);
            if ((parseResult.GetValue(writeEvents) || script is not null) && chosen != DuckDb)
            {
                throw new CliUserException("--write-events and --sql need --engine duckdb.");
            }

            if (script is not null && !File.Exists(script))
            {
                throw new CliUserException($"SQL file not found: {script}");
            }

            var run = new AggregateRun(parseResult.GetRequiredValue(input), parseResult.GetRequiredValue(output), chosen, parseResult.GetValue(writeEvents), script is null ? SqlScripts.Aggregate : File.ReadAllText(script));
            return Task.FromResult(Run(context, run, options, cancellationToken));
        });
        return command;
    }

    public static int Run(CliContext context, AggregateRun run, BuildOptions options, CancellationToken cancellationToken)
    {
        var (input, output, engine, writeEvents, script) = run;
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CliUserException(string.Join(" ", problems));
        }

        if (!File.Exists(input))
        {
            throw new CliUserException($"input file not found: {input}");
        }

        long badLines = 0;
        void OnBadLine(ImportError error)
        {
            if (badLines++ < ImportCommand.PrintedErrors)
            {
                context.Error.WriteLine($"bad line {error.LineNumber}: {error.Reason}");
            }
        }

        var settings = AggregationSettings.From(options);
        var inputSize = new FileInfo(input).Length;
        var stopwatch = Stopwatch.StartNew();
        var totals = context.WithProgress($"aggregating ({engine})", report =>
        {
            using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (engine == CSharp)
            {
                var agg = IndexBuilder.AggregateJsonl(stream, options, OnBadLine, done => report(done, inputSize), cancellationToken);
                AggregatesWriter.Write(agg, settings, output);
                return agg.Totals();
            }

            using var db = AggregateDatabase.Open();
            using (var stager = new EventStager(db))
            {
                new JsonlFastReader(stager, OnBadLine).Read(stream, done => report(done, inputSize), cancellationToken);
            }

            try
            {
                SqlAggregation.Run(db, settings, script);
            }
            catch (DuckDB.NET.Data.DuckDBException ex)
            {
                throw new CliUserException($"the aggregation SQL failed: {AggregateDatabase.Describe(ex)}");
            }

            db.CopyTo(output);
            if (writeEvents)
            {
                db.Execute($"COPY events TO {AggregateDatabase.Literal(Path.Combine(output, "events.parquet"))} (FORMAT parquet, COMPRESSION zstd)");
            }

            return AggregatesReader.ReadMeta(output).Totals;
        });

        cancellationToken.ThrowIfCancellationRequested();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (badLines > ImportCommand.PrintedErrors)
        {
            context.Error.WriteLine($"… {badLines - ImportCommand.PrintedErrors} more bad lines");
        }

        context.Summary("aggregate", [
            ("engine", engine),
            ("events read", BuildCommand.N(totals.Events)),
            ("bad lines", BuildCommand.N(badLines)),
            ("users / sessions", $"{BuildCommand.N(totals.Users)} / {BuildCommand.N(totals.Sessions)}"),
            ("final searches / fragments / duplicates", $"{BuildCommand.N(totals.FinalSearches)} / {BuildCommand.N(totals.Fragments)} / {BuildCommand.N(totals.DuplicateSearches)}"),
            ("last event (decay anchor)", totals.LastEvent?.ToString("u", CultureInfo.InvariantCulture) ?? "-"),
            ("time: read + aggregate + write tables (s)", seconds.ToString("F2", CultureInfo.InvariantCulture)),
            ("events/s (whole command)", BuildCommand.N((long)(totals.Events / Math.Max(seconds, 1e-9)))),
            ("output", output),
        ]);
        return IndexerCli.ExitOk;
    }
}
