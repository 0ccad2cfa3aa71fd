using QueryRec.Contracts.V1;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The service's columns of <c>evaluate</c>, each in two states (<see cref="RankerState"/>): cold (nothing reported,
/// the answers come from the index alone) and streaming (the warmup reported first, then each test search asked prefix
/// by prefix as its user, then reported). In process, each state runs on a fresh pipeline; against a server, the
/// cold pass runs first, before any event is reported to it, then the streaming pass.
/// </summary>
internal static class EvaluateServiceRuns
{
    /// <summary>
    /// The heuristic (<paramref name="modelPath"/> null) or learned ranker of the in-process service, cold then
    /// streaming, named <paramref name="name"/> for the streaming state and "<paramref name="name"/> cold".
    /// </summary>
    public static async Task<List<RankerRun>> InProcessAsync(
        CliContext context,
        string name,
        InProcessPipelineOptions pipeline,
        List<LogEvent> events,
        StreamingReplayOptions replay,
        EvaluateScoring scoring,
        CancellationToken cancellationToken)
    {
        var runs = new List<RankerRun>(2);
        foreach (var state in (string[])[RankerState.Cold, RankerState.Streaming])
        {
            var column = state == RankerState.Cold ? name + " cold" : name;
            var clock = context.Time.GetTimestamp();
            InProcessPipeline service;
            try
            {
                service = await InProcessPipeline.StartAsync(pipeline, cancellationToken);
            }
            catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException or FormatException)
            {
                throw new CliUserException($"the in-process service ({name}) did not start: {ex.Message}");
            }

            await using (service)
            {
                var rebuild = replay.RebuildEvery is null ? null : ReplayIndexRebuild.For(events, service, context.Time);
                var result = await ReplayAsync(context, column, service, events, replay with { Report = state == RankerState.Streaming }, rebuild, scoring.OwnLastQuery.Count, cancellationToken);
                if (pipeline.ModelPath is not null && result.HeuristicAnswers > 0)
                {
                    await context.Error.WriteLineAsync($"warning: the model {pipeline.ModelPath} is not serving: {result.HeuristicAnswers} of {result.Stats.Suggests} '{column}' answers came from the heuristic scorer (model version {result.LastModelVersion}).");
                }

                runs.Add(scoring.Run(column, state, result.Cases, result.Cases, context.Time.GetElapsedTime(clock), result.Stats));
            }
        }

        return runs;
    }

    /// <summary>
    /// The ranker of the server at <paramref name="server"/>, cold then streaming, named after the model version it
    /// answers with ("server heuristic-v1 cold", "server heuristic-v1"). The server must be fresh (nothing reported to
    /// it) and serve the index built from the events before the split.
    /// </summary>
    public static async Task<(List<RankerRun> Runs, ServerFacts Facts)> ServerAsync(
        CliContext context,
        Uri server,
        List<LogEvent> events,
        StreamingReplayOptions replay,
        EvaluateScoring scoring,
        CancellationToken cancellationToken)
    {
        using var target = new GrpcReplayTarget(server, context.Time);
        var passes = new List<(string State, ServiceReplay Result, TimeSpan Elapsed)>(2);
        foreach (var state in (string[])[RankerState.Cold, RankerState.Streaming])
        {
            var clock = context.Time.GetTimestamp();
            var result = await ReplayAsync(context, "server " + state, target, events, replay with { Report = state == RankerState.Streaming }, null, scoring.OwnLastQuery.Count, cancellationToken);
            passes.Add((state, result, context.Time.GetElapsedTime(clock)));
        }

        var versions = passes.SelectMany(static p => p.Result.ModelVersions).GroupBy(static v => v.Key).Select(static g => (Version: g.Key, Count: g.Sum(static v => v.Value))).OrderByDescending(static v => v.Count).ThenBy(static v => v.Version, StringComparer.Ordinal).ToList();
        var label = versions.Count == 0 || versions[0].Version.Length == 0 ? "(no model version)" : versions[0].Version;
        var runs = passes.Select(p => scoring.Run($"server {label}" + (p.State == RankerState.Cold ? " cold" : string.Empty), p.State, p.Result.Cases, p.Result.Cases, p.Elapsed, p.Result.Stats)).ToList();
        var facts = new ServerFacts(
            server.ToString(),
            versions.ToDictionary(static v => v.Version, static v => v.Count, StringComparer.Ordinal),
            passes.SelectMany(static p => p.Result.IndexVersions).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            target.FirstRejection);
        if (versions.Count > 1)
        {
            await context.Error.WriteLineAsync($"warning: the server answered with {versions.Count} model versions ({string.Join(", ", versions.Select(static v => $"{v.Version}: {v.Count}"))}); the columns are named after the most frequent.");
        }

        if (facts.FirstRejection is not null)
        {
            await context.Error.WriteLineAsync($"warning: the server rejected {passes.Sum(static p => p.Result.Stats.Rejected)} reported events (first: {facts.FirstRejection}).");
        }

        var degraded = passes.Sum(static p => p.Result.Stats.DegradedSuggests);
        if (degraded > 0)
        {
            await context.Error.WriteLineAsync($"warning: {degraded} Suggest answers of the server were degraded (a store missed its budget); they count as given.");
        }

        return (runs, facts);
    }

    /// <summary>Replays through <paramref name="target"/> and gathers what it showed for each test search.</summary>
    private static async Task<ServiceReplay> ReplayAsync(
        CliContext context,
        string column,
        IReplayTarget target,
        List<LogEvent> events,
        StreamingReplayOptions replay,
        Func<DateTimeOffset, CancellationToken, Task>? rebuild,
        int tests,
        CancellationToken cancellationToken)
    {
        var cases = new List<ReplayCase>(tests);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var indexVersions = new HashSet<string>(StringComparer.Ordinal);
        List<IReadOnlyList<string>>? shown = null;
        string? current = null;
        var lastVersion = string.Empty;
        long heuristicAnswers = 0;
        using var progress = context.Progress("evaluate: " + column, tests, "test searches");
        var stats = await StreamingReplay.RunAsync(
            events,
            target,
            replay,
            (e, query, length, response) =>
            {
                if (length == 1)
                {
                    Close();
                    shown = [];
                    current = query;
                    progress.Add();
                }

                shown!.Add(response.Items.Select(static i => i.Text).ToArray());
                Count(response.Metadata);
                if (response.Items.Count > 0 && lastVersion.StartsWith("heuristic", StringComparison.Ordinal))
                {
                    heuristicAnswers++;
                }

                return ValueTask.CompletedTask;
            },
            cancellationToken,
            rebuild);
        Close();
        return new ServiceReplay(cases, stats, versions, indexVersions, heuristicAnswers, lastVersion);

        void Close()
        {
            if (current is not null && shown is not null)
            {
                cases.Add(new ReplayCase(current, shown));
            }
        }

        void Count(ResponseMetadata? metadata)
        {
            lastVersion = metadata?.ModelVersion ?? string.Empty;
            versions[lastVersion] = versions.GetValueOrDefault(lastVersion) + 1;
            if (!string.IsNullOrEmpty(metadata?.IndexVersion))
            {
                indexVersions.Add(metadata.IndexVersion);
            }
        }
    }

    /// <summary>What one replay through the service gave.</summary>
    private sealed record ServiceReplay(
        List<ReplayCase> Cases,
        StreamingReplayStats Stats,
        Dictionary<string, long> ModelVersions,
        HashSet<string> IndexVersions,
        long HeuristicAnswers,
        string LastModelVersion);
}
