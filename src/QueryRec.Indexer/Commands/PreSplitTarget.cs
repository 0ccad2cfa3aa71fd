using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The replay target of <c>evaluate --discovery</c> and <c>--push</c>: the index built before the split, written to
/// <c>--write-index</c> (else a temporary file, deleted after), served by the pipeline in process with the replay's
/// settings, or a running server (<c>--server</c>) that serves that file itself.
/// </summary>
internal static class PreSplitTarget
{
    public static async Task<T> RunAsync<T>(
        CliContext context,
        EvaluateArgs args,
        BuiltIndex built,
        Uri? server,
        StreamingReplayOptions replay,
        IReadOnlyDictionary<string, string?> settings,
        Func<IReplayTarget, string, Task<T>> work,
        CancellationToken cancellationToken)
    {
        var indexPath = args.WriteIndex ?? Path.Combine(Path.GetTempPath(), $"queryrec-evaluate-{Guid.NewGuid():N}.qrx");
        try
        {
            QueryRec.Storage.IndexFile.WriteFile(built.Result.Build, indexPath);
            if (server is not null)
            {
                using var target = new GrpcReplayTarget(server, context.Time);
                return await work(target, indexPath);
            }

            await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(indexPath) { Settings = replay.ServiceSettings(settings) }, cancellationToken);
            return await work(service, indexPath);
        }
        finally
        {
            if (args.WriteIndex is null)
            {
                File.Delete(indexPath);
            }
        }
    }

    /// <summary>The facts every such evaluation's summary starts with.</summary>
    public static Dictionary<string, string> Facts(Uri? server, DateTimeOffset split, TimeSpan warmup)
        => new(StringComparer.Ordinal)
        {
            ["service"] = server is null ? "in process (replay clock)" : $"server {server}",
            ["split"] = split.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["warmup"] = warmup.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        };

    /// <summary>Ends the evaluation: the index facts and the time join <paramref name="facts"/>, the summary is printed and the JSON written.</summary>
    public static async Task<int> FinishAsync(
        CliContext context, string title, Dictionary<string, string> facts, BuiltIndex built, long started, string? jsonPath, Func<Dictionary<string, string>, string> toJson, CancellationToken cancellationToken)
    {
        facts["events before split"] = BuildCommand.N(built.EventsBeforeSplit);
        facts["queries kept in index"] = BuildCommand.N(built.Result.Summary.QueriesKept);
        facts["index version"] = built.Result.Build.Version;
        facts["time"] = EvaluateTables.Seconds(context.Time.GetElapsedTime(started).TotalSeconds);
        context.Summary(title, facts.Select(static f => (f.Key, f.Value)));
        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, toJson(facts), cancellationToken);
        }

        return IndexerCli.ExitOk;
    }
}
