using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Push;
using QueryRec.Indexer.Replay;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>push-export</c>: the GetPushQueries answer of every subject active in the window before <c>--as-of</c>, one JSON
/// line each, computed by the serving pipeline the RPC runs (in process, replay clock at the export time). The
/// real-time state comes from Redis (<c>--redis</c>: the index and the real-time namespace a deployment serves) or from
/// an event log replayed into the embedded store (<c>--events</c> with <c>--index</c>). Subjects are streamed from the
/// store's scan and answers written as they come, so memory holds one subject's answer besides the store.
/// </summary>
internal sealed class PushExportCommand
{
    public static Command Create(CliContext context)
    {
        var asOf = new Option<string>("--as-of") { Description = "The export time (UTC, e.g. 2026-11-22T06:00:00Z): the pipeline's clock, the end of the activity window; events at or after it are not read.", Required = true };
        var activeWithin = new Option<string>("--active-within") { Description = "Export the subjects whose newest search or item event is within this span before --as-of (e.g. 7d, 36h).", DefaultValueFactory = _ => "7d" };
        var output = new Option<string>("--output") { Description = "The JSONL file to write (one line per subject).", Required = true };
        var index = new Option<string?>("--index") { Description = "With --events: the index file (.qrx) to serve." };
        var events = new Option<string?>("--events") { Description = "A JSONL event log (import, simulate) replayed into the embedded real-time store up to --as-of; with --index." };
        var redis = new RedisAdminOptions();
        var limit = new Option<int>("--limit") { Description = "Queries per subject, 0 to 20 (0: QueryRec:Strategies:PushDefaultLimit).", DefaultValueFactory = _ => 0 };
        var settingsFile = new Option<string?>("--settings") { Description = "A JSON object of service configuration overrides (push weights, caps, experiments...)." };
        var set = new Option<string[]>("--set") { Description = "A service configuration override Key=Value (repeatable; applied after --settings).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("push-export", "Write the push queries (GetPushQueries) of every subject active before --as-of as JSONL, from Redis or from an event log and an index.")
        {
            asOf, activeWithin, output, index, events, limit, settingsFile, set,
        };
        redis.AddTo(command, required: false);
        command.SetAction((r, ct) => RunAsync(
            context,
            new PushExportArgs(r.GetRequiredValue(asOf), r.GetValue(activeWithin) ?? "7d", r.GetRequiredValue(output))
            {
                Index = r.GetValue(index),
                Events = r.GetValue(events),
                Redis = r.GetValue(redis.Redis),
                KeyPrefix = r.GetValue(redis.KeyPrefix) ?? "qr:",
                Limit = r.GetValue(limit),
                SettingsFile = r.GetValue(settingsFile),
                Set = r.GetValue(set) ?? [],
            },
            ct));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, PushExportArgs args, CancellationToken cancellationToken)
    {
        var (asOf, window) = Validate(args);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The clock starts a year back (the longest history TTL) and each fed batch moves it; then it is set to --as-of.
            ["QueryRec:Clock:ReplayStart"] = (args.Events is null ? asOf : asOf.AddDays(-366)).ToString("O", CultureInfo.InvariantCulture),
        };
        if (args.Redis is not null)
        {
            settings["QueryRec:Store:Redis"] = args.Redis;
            settings["QueryRec:Store:KeyPrefix"] = args.KeyPrefix;
        }

        foreach (var (key, value) in ServiceSettings.Read(args.SettingsFile, args.Set))
        {
            settings[key] = value;
        }

        var started = context.Time.GetTimestamp();
        await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(args.Index ?? string.Empty) { Settings = settings }, cancellationToken);
        PushFeedStats? feed = null;
        if (args.Events is not null)
        {
            using var feeding = context.Progress("push-export: reading the events", unit: "events");
            feed = await PushEventFeed.RunAsync(
                args.Events,
                service,
                asOf,
                error => context.Error.WriteLine($"{args.Events}:{error.LineNumber}: {error.Reason}"),
                _ => feeding.Add(),
                cancellationToken);
        }

        service.Services.GetRequiredService<EventClock>().Replay!.AdvanceTo(asOf);
        var store = service.Services.GetRequiredService<IRealtimeStore>();
        long scanned = 0, exported = 0, fallback = 0, capped = 0, degraded = 0;
        var exportStarted = context.Time.GetTimestamp();
        using (var writer = new PushExportWriter(args.Output))
        using (var progress = context.Progress("push-export: subjects", unit: "subjects"))
        {
            await foreach (var entry in store.ScanSubjectsAsync(cancellationToken))
            {
                scanned++;
                if (entry.Time < asOf - window || entry.Time > asOf)
                {
                    continue;
                }

                var answer = await service.GetPushQueriesAsync(RequestOf(entry.Value, args.Limit), cancellationToken);
                writer.Write(entry.Value, asOf, answer);
                exported++;
                fallback += answer.Fallback ? 1 : 0;
                capped += answer.RemainingToday == 0 ? 1 : 0;
                degraded += answer.Metadata.Degraded ? 1 : 0;
                progress.Add();
            }
        }

        var exportSeconds = context.Time.GetElapsedTime(exportStarted).TotalSeconds;
        var rows = new List<(string, string)>
        {
            ("as of", asOf.ToString("O", CultureInfo.InvariantCulture)),
            ("active within", window.ToString("c", CultureInfo.InvariantCulture)),
            ("real-time state", args.Redis is not null ? $"redis {QueryRec.Storage.Redis.RedisConnection.Redact(args.Redis)} ({args.KeyPrefix})" : $"events {args.Events}"),
        };
        if (feed is not null)
        {
            rows.Add(("events read", BuildCommand.N(feed.Read)));
            rows.Add(("events accepted", BuildCommand.N(feed.Accepted)));
            rows.Add(("events at or after --as-of (not read)", BuildCommand.N(feed.AtOrAfterAsOf)));
            rows.Add(("events rejected", feed.Rejected == 0 ? "0" : $"{BuildCommand.N(feed.Rejected)} (first: {feed.FirstRejection})"));
            rows.Add(("events without an item (skipped)", BuildCommand.N(feed.Unmapped)));
            rows.Add(("bad lines", BuildCommand.N(feed.BadLines)));
        }

        rows.Add(("subjects scanned", BuildCommand.N(scanned)));
        rows.Add(("subjects exported", BuildCommand.N(exported)));
        rows.Add(("hot fallback", BuildCommand.N(fallback)));
        rows.Add(("daily cap reached", BuildCommand.N(capped)));
        rows.Add(("degraded", BuildCommand.N(degraded)));
        rows.Add(("export time", EvaluateTables.Seconds(exportSeconds)));
        rows.Add(("subjects/s", exportSeconds > 0 ? (exported / exportSeconds).ToString("N0", CultureInfo.InvariantCulture) : "-"));
        rows.Add(("total time", EvaluateTables.Seconds(context.Time.GetElapsedTime(started).TotalSeconds)));
        rows.Add(("output", args.Output));
        context.Summary("push-export", rows);
        return IndexerCli.ExitOk;
    }

    /// <summary>The request of a subject key (<see cref="RealtimeSubject"/>): a user, or a device.</summary>
    internal static GetPushQueriesRequest RequestOf(string subject, int limit)
        => subject.StartsWith("u:", StringComparison.Ordinal)
            ? new GetPushQueriesRequest { UserId = subject[2..], Limit = limit }
            : new GetPushQueriesRequest { DeviceId = subject[2..], Limit = limit };

    private static (DateTimeOffset AsOf, TimeSpan Window) Validate(PushExportArgs args)
    {
        if (!DateTimeOffset.TryParse(args.AsOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var asOf))
        {
            throw new CliUserException($"--as-of '{args.AsOf}' is not a date and time (e.g. 2026-11-22T06:00:00Z).");
        }

        var window = EvaluateCommand.ParseSpan(args.ActiveWithin, "--active-within");
        if (window <= TimeSpan.Zero)
        {
            throw new CliUserException($"--active-within '{args.ActiveWithin}' must be a positive span (e.g. 7d).");
        }

        if (args.Limit is < 0 or > QueryRec.Serving.Browse.PushQueriesHandler.MaxLimit)
        {
            throw new CliUserException($"--limit {args.Limit} must be from 0 to {QueryRec.Serving.Browse.PushQueriesHandler.MaxLimit}.");
        }

        if ((args.Redis is null) == (args.Events is null))
        {
            throw new CliUserException("give exactly one source of real-time state: --redis, or --events with --index.");
        }

        if (args.Events is not null && (args.Index is null || !File.Exists(args.Index)))
        {
            throw new CliUserException(args.Index is null ? "--events needs --index (the index file to serve)." : $"index file not found: {args.Index}");
        }

        if (args.Redis is not null && args.Index is not null)
        {
            throw new CliUserException("--index serves the embedded store: with --redis the index is the one published to Redis.");
        }

        if (args.Events is not null && !File.Exists(args.Events))
        {
            throw new CliUserException($"events file not found: {args.Events}");
        }

        return (asOf, window);
    }
}
