using System.CommandLine;

namespace QueryRec.Indexer.Commands;

/// <summary><c>rollback</c>: re-activates the previous (or a given) retained version.</summary>
internal sealed class RollbackCommand
{
    public static Command Create(CliContext context)
    {
        var redis = new RedisAdminOptions();
        var to = new Option<string?>("--to") { Description = "The retained version to activate (default: the one before the active one)." };
        var command = new Command("rollback", "Activate the previous published version.");
        redis.AddTo(command);
        command.Options.Add(to);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetRequiredValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(to),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string redis, string keyPrefix, string? to, CancellationToken cancellationToken)
    {
        var options = RedisAdmin.ValidateOptions(keyPrefix, 3);
        await using var admin = await context.AdminFactory(redis, options, context.Time);
        var before = await admin.GetActiveVersionAsync(cancellationToken);
        string active;
        try
        {
            active = await admin.Store.RollbackAsync(to, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new CliUserException("cannot roll back: " + ex.Message);
        }

        context.Summary("rollback", [
            ("was active", before ?? "(none)"),
            ("now active", active),
            ("redis", redis),
        ]);
        return IndexerCli.ExitOk;
    }
}
