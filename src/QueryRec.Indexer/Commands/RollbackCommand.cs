using System.CommandLine;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>rollback</c>: re-activates the previous (or a given) retained version. Also builds <c>rollback-model</c>
/// (<see cref="RollbackModelCommand"/>), which does the same for the models published on their own.
/// </summary>
internal sealed class RollbackCommand
{
    public static Command Create(CliContext context) => Create(context, new RollbackTarget(
        "rollback",
        "Activate the previous published version.",
        "The retained version to activate (default: the one before the active one).",
        "cannot roll back: ",
        static (admin, cancellationToken) => admin.GetActiveVersionAsync(cancellationToken),
        static (admin, to, cancellationToken) => admin.Store.RollbackAsync(to, cancellationToken)));

    /// <summary>A rollback command over <paramref name="target"/>: <c>--redis</c>, <c>--key-prefix</c> and <c>--to</c>.</summary>
    internal static Command Create(CliContext context, RollbackTarget target)
    {
        var redis = new RedisAdminOptions();
        var to = new Option<string?>("--to") { Description = target.ToDescription };
        var command = new Command(target.Name, target.Description);
        redis.AddTo(command);
        command.Options.Add(to);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            target,
            parseResult.GetRequiredValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(to),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, RollbackTarget target, string redis, string keyPrefix, string? to, CancellationToken cancellationToken)
    {
        var options = RedisAdmin.ValidateOptions(keyPrefix, 3);
        await using var admin = await context.AdminFactory(redis, options, context.Time);
        var before = await target.GetActiveAsync(admin, cancellationToken);
        string active;
        try
        {
            active = await target.RollbackAsync(admin, to, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliUserException(target.FailurePrefix + ex.Message);
        }

        context.Summary(target.Name, [
            ("was active", before ?? "(none)"),
            ("now active", active),
            ("redis", redis),
        ]);
        return IndexerCli.ExitOk;
    }
}

/// <summary>What a rollback command moves: its name and texts, how it reads the active id and how it rolls back.</summary>
/// <param name="Name">The command name, also the summary title.</param>
/// <param name="Description">The command description.</param>
/// <param name="ToDescription">The description of <c>--to</c>.</param>
/// <param name="FailurePrefix">Put before the store's message when there is nothing to roll back to.</param>
/// <param name="GetActiveAsync">The active id before the rollback, or null.</param>
/// <param name="RollbackAsync">Rolls back to the given id (or the previous one); returns the id now active.</param>
internal sealed record RollbackTarget(
    string Name,
    string Description,
    string ToDescription,
    string FailurePrefix,
    Func<RedisAdmin, CancellationToken, Task<string?>> GetActiveAsync,
    Func<RedisAdmin, string?, CancellationToken, Task<string>> RollbackAsync);
