using System.CommandLine;
using QueryRec.Storage;
using QueryRec.Storage.Redis;

namespace QueryRec.Indexer.Commands;

/// <summary><c>publish</c>: publishes an index file to Redis as a new version.</summary>
internal sealed class PublishCommand
{
    public static Command Create(CliContext context)
    {
        var index = new Option<string>("--index") { Description = "The index file (.qrx) to publish.", Required = true };
        var redis = new RedisAdminOptions();
        var retain = new Option<int>("--retain") { Description = "Versions kept for rollback (the active one included).", DefaultValueFactory = _ => 3 };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Writes kept in flight (pipelined); lower it to spare a busy Redis, at the cost of a slower publish.",
            DefaultValueFactory = _ => new RedisIndexOptions().WriteBatchSize,
        };
        var command = new Command("publish", "Publish an index file to Redis and make it active.") { index };
        redis.AddTo(command);
        command.Options.Add(retain);
        command.Options.Add(batchSize);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetRequiredValue(index),
            parseResult.GetRequiredValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(retain),
            parseResult.GetValue(batchSize),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string indexPath, string redis, string keyPrefix, int retain, int batchSize, CancellationToken cancellationToken)
    {
        var options = RedisAdmin.ValidateOptions(keyPrefix, retain, batchSize);
        var build = IndexerCli.ReadIndexFile(indexPath);
        await using var admin = await context.AdminFactory(redis, options, context.Time);
        PublishResult result;
        try
        {
            result = await context.WithProgressAsync($"publishing {build.Version}", report => admin.Store.PublishAsync(
                build,
                new SyncProgress<PublishProgress>(p => report(p.Done, p.Total)),
                cancellationToken));
        }
        catch (InvalidOperationException ex)
        {
            throw new CliUserException($"cannot publish {build.Version}: {IndexerCli.FirstLine(ex.Message)}");
        }
        context.Summary("publish", [
            ("version", result.Version),
            ("previous version", result.PreviousVersion ?? "(none)"),
            ("records written", BuildCommand.N(result.RecordsWritten)),
            ("deleted versions", result.DeletedVersions.Count == 0 ? "(none)" : string.Join(", ", result.DeletedVersions)),
            ("redis", redis),
            ("key prefix", options.KeyPrefix),
        ]);
        return IndexerCli.ExitOk;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (no posting to a context).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
