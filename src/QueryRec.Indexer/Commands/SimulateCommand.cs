using System.CommandLine;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Simulate;

namespace QueryRec.Indexer.Commands;

/// <summary><c>simulate</c>: writes a seeded demo log as JSONL events.</summary>
internal sealed class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new SimulationOptions();
        var output = new Option<string>("--output") { Description = "The JSONL events file to write.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => defaults.Seed };
        var users = new Option<int>("--users") { Description = "Number of users.", DefaultValueFactory = _ => defaults.Users };
        var days = new Option<int>("--days") { Description = "Days covered.", DefaultValueFactory = _ => defaults.Days };
        var sessions = new Option<int>("--sessions-per-user") { Description = "Average sessions per user.", DefaultValueFactory = _ => defaults.SessionsPerUser };
        var command = new Command("simulate", "Generate a seeded demo log (JSONL events).") { output, seed, users, days, sessions };
        command.SetAction(parseResult => Run(
            context,
            parseResult.GetRequiredValue(output),
            new SimulationOptions
            {
                Seed = parseResult.GetValue(seed),
                Users = parseResult.GetValue(users),
                Days = parseResult.GetValue(days),
                SessionsPerUser = parseResult.GetValue(sessions),
            }));
        return command;
    }

    public static int Run(CliContext context, string output, SimulationOptions options)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CliUserException(string.Join(" ", problems));
        }

        var events = LogSimulator.Generate(options);
        var full = Path.GetFullPath(output);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using (var writer = JsonlEventFormat.CreateWriter(full))
        {
            JsonlEventFormat.Write(events, writer);
        }

        var byType = events.GroupBy(static e => e.Type).ToDictionary(static g => g.Key, static g => (long)g.Count());
        context.Summary("simulate", [
            ("seed", options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("users", BuildCommand.N(options.Users)),
            ("days", BuildCommand.N(options.Days)),
            ("events", BuildCommand.N(events.Count)),
            ("searches", BuildCommand.N(byType.GetValueOrDefault(LogEventType.Search))),
            ("clicks", BuildCommand.N(byType.GetValueOrDefault(LogEventType.Click))),
            ("carts", BuildCommand.N(byType.GetValueOrDefault(LogEventType.Cart))),
            ("orders", BuildCommand.N(byType.GetValueOrDefault(LogEventType.Order))),
            ("distinct queries", BuildCommand.N(events.Select(static e => e.Query).Distinct(StringComparer.Ordinal).Count())),
            ("output", output),
        ]);
        return IndexerCli.ExitOk;
    }
}
