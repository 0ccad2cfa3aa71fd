using System.CommandLine;
using QueryRec.Indexer.Ranking;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>publish-model</c>: publishes a ranking model on its own to Redis (versioned key, atomic active-model pointer),
/// overriding the model carried by the active index until <c>--clear</c>.
/// </summary>
internal sealed class PublishModelCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string?>("--model") { Description = "The ONNX model (from indexer train; its .card.json beside it) to publish, at most 64 MiB." };
        var clear = new Option<bool>("--clear") { Description = "Clear the active model published on its own: servers go back to the model carried by the index." };
        var force = new Option<bool>("--force") { Description = "Publish a model whose card says it loses to the heuristic on its held-out window (train's guard)." };
        var retain = new Option<int>("--retain") { Description = "Models kept for rollback-model (the active one included).", DefaultValueFactory = _ => 3 };
        var redis = new RedisAdminOptions();
        var command = new Command("publish-model", "Publish a ranking model on its own (it overrides the index's model), or clear it.") { model, clear, force };
        redis.AddTo(command);
        command.Options.Add(retain);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            context,
            parseResult.GetValue(model),
            parseResult.GetValue(clear),
            parseResult.GetRequiredValue(redis.Redis),
            parseResult.GetRequiredValue(redis.KeyPrefix),
            parseResult.GetValue(retain),
            cancellationToken,
            parseResult.GetValue(force)));
        return command;
    }

    public static async Task<int> RunAsync(
        CliContext context, string? modelPath, bool clear, string redis, string keyPrefix, int retain, CancellationToken cancellationToken, bool force = false)
    {
        if ((modelPath is null) == !clear)
        {
            throw new CliUserException("give exactly one of --model FILE and --clear.");
        }

        var options = RedisAdmin.ValidateOptions(keyPrefix, retain);

        // Validate the model completely before connecting: a bad model publishes nothing.
        var package = modelPath is null ? null : ModelPackageReader.Read(modelPath, force, context.Error);
        await using var admin = await context.AdminFactory(redis, options, context.Time);
        var models = admin.RequireModels();
        if (package is null)
        {
            var cleared = await models.ClearAsync(cancellationToken);
            context.Summary("publish-model --clear", [
                ("was active", cleared ?? "(none)"),
                ("now serving", "the model carried by the active index (or the heuristic)"),
                ("redis", redis),
            ]);
            return IndexerCli.ExitOk;
        }

        var result = await models.PublishAsync(package, options.RetainVersions, cancellationToken);
        context.Summary("publish-model", [
            ("model id", result.Id),
            ("model version", result.ModelVersion),
            ("model bytes", BuildCommand.N(package.Onnx.Length)),
            ("previous model id", result.PreviousId ?? "(none)"),
            ("deleted models", result.DeletedIds.Count == 0 ? "(none)" : string.Join(", ", result.DeletedIds)),
            ("warning", result.Warning ?? "-"),
            ("redis", redis),
            ("key prefix", options.KeyPrefix),
        ]);
        return IndexerCli.ExitOk;
    }
}

/// <summary><c>rollback-model</c>: re-activates the previous (or a given) model published on its own.</summary>
internal sealed class RollbackModelCommand
{
    public static Command Create(CliContext context) => RollbackCommand.Create(context, new RollbackTarget(
        "rollback-model",
        "Activate the previous model published on its own.",
        "The retained model id to activate (default: the one published before the active one).",
        "cannot roll back the model: ",
        static async (admin, cancellationToken) => (await admin.RequireModels().GetStatusAsync(cancellationToken)).ActiveId,
        static (admin, to, cancellationToken) => admin.RequireModels().RollbackAsync(to, cancellationToken)));
}
