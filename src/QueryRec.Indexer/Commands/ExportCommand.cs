using System.CommandLine;
using QueryRec.Storage;

namespace QueryRec.Indexer.Commands;

/// <summary><c>export</c>: reads a published version back from Redis into an index file.</summary>
internal sealed class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var redis = new RedisAdminOptions();
        var version = new Option<string?>("--version") { Description = "The retained version to export (default: the active one)." };
        var output = new Option<string>("--output") { Description = "The index file (.qrx) to write.", Required = true };
        var command = new Command("export", "Export a published version from Redis to an index file.");
        redis.AddTo(command);
        command.Options.Add(version);
        command.Options.Add(output);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetRequiredValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(version),
            parseResult.GetRequiredValue(output),
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string redis, string keyPrefix, string? version, string output, CancellationToken cancellationToken)
    {
        var options = RedisAdmin.ValidateOptions(keyPrefix, 3);
        await using var admin = await context.AdminFactory(redis, options, context.Time);
        var target = version ?? await admin.GetActiveVersionAsync(cancellationToken)
            ?? throw new CliUserException("nothing is published: there is no active version to export.");
        IndexBuild build;
        try
        {
            build = await admin.Store.ReadBuildAsync(target, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            throw new CliUserException($"version '{target}' is not retained in {redis}.");
        }

        IndexFile.WriteFile(build, output);
        StatusCommand.PrintManifest(context, output, build.Manifest);
        return IndexerCli.ExitOk;
    }
}
