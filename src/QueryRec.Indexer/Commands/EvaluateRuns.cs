using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The columns of <c>evaluate</c> (<see cref="EvaluateCommand"/>): the replay cases each ranker gives for the test
/// queries (static MPC from the index frozen at the split, streaming MPC offline, the heuristic and learned rankers
/// through the in-process service) and their metrics.
/// </summary>
internal static class EvaluateRuns
{
    /// <summary>The static MPC replay cases (near-duplicate-collapsed and exact) of <paramref name="tests"/> over <paramref name="build"/>.</summary>
    internal static async Task<(List<ReplayCase> Near, List<ReplayCase> Exact)> StaticMpcAsync(IndexBuild build, List<string> tests, int maxPrefix, Func<string, string> nearKey, CancellationToken cancellationToken)
    {
        var store = new EmbeddedIndexStore(1);
        await store.PublishAsync(build, cancellationToken: cancellationToken);
        var snapshot = store.OpenSnapshot(build.Version);
        var info = await snapshot.GetInfoAsync(cancellationToken) ?? new IndexInfo();
        var indexed = info.MaxPrefixLength > 0 ? info.MaxPrefixLength : new BuildOptions().MaxPrefixLength;
        var nodes = new Dictionary<string, (IReadOnlyList<string> Near, IReadOnlyList<string> Exact)>(StringComparer.Ordinal);
        return await PrefixCasesAsync(tests, maxPrefix, async prefix =>
        {
            var key = QueryNormalizer.TruncateRunes(prefix, indexed);
            if (!nodes.TryGetValue(key, out var lists))
            {
                var node = await CompletionNodes.ReadNodeAsync(snapshot, CompletionTable.Prefix, key, info, cancellationToken);
                var texts = node is null ? [] : node.Completions.Select(static c => c.Text).ToArray();
                lists = (Collapse(texts, nearKey), texts.Take(ReplayMetrics.Depth).ToArray());
                nodes[key] = lists;
            }

            return lists;
        });
    }

    internal static Task<(List<ReplayCase> Near, List<ReplayCase> Exact)> StreamingMpcCasesAsync(IReadOnlyList<VocabularyEntry> vocabulary, List<string> tests, int maxPrefix, Func<string, string> nearKey)
    {
        var collapsed = new StreamingMpc(vocabulary, nearKey);
        var plain = new StreamingMpc(vocabulary);
        return PrefixCasesAsync(
            tests,
            maxPrefix,
            prefix => ValueTask.FromResult<(IReadOnlyList<string>, IReadOnlyList<string>)>((collapsed.Top(prefix, ReplayMetrics.Depth), plain.Top(prefix, ReplayMetrics.Depth))),
            q =>
            {
                collapsed.Add(q);
                plain.Add(q);
            });
    }

    /// <summary>
    /// The near-duplicate-collapsed and exact replay cases of <paramref name="tests"/>, in order: for each query and each
    /// prefix length up to <paramref name="maxPrefix"/>, the lists <paramref name="shown"/> gives for that prefix;
    /// <paramref name="seen"/>, when given, is told each query once its cases are made.
    /// </summary>
    internal static async Task<(List<ReplayCase> Near, List<ReplayCase> Exact)> PrefixCasesAsync(
        List<string> tests,
        int maxPrefix,
        Func<string, ValueTask<(IReadOnlyList<string> Near, IReadOnlyList<string> Exact)>> shown,
        Action<string>? seen = null)
    {
        var near = new List<ReplayCase>(tests.Count);
        var exact = new List<ReplayCase>(tests.Count);
        foreach (var q in tests)
        {
            var n = Math.Min(maxPrefix, QueryNormalizer.RuneCount(q));
            var shownNear = new IReadOnlyList<string>[n];
            var shownExact = new IReadOnlyList<string>[n];
            for (var length = 1; length <= n; length++)
            {
                (shownNear[length - 1], shownExact[length - 1]) = await shown(QueryNormalizer.TruncateRunes(q, length));
            }

            near.Add(new ReplayCase(q, shownNear));
            exact.Add(new ReplayCase(q, shownExact));
            seen?.Invoke(q);
        }

        return (near, exact);
    }

    internal static async Task<RankerRun> ServiceRunAsync(
        CliContext context,
        string name,
        string indexPath,
        string? modelPath,
        IReadOnlyDictionary<string, string?> settings,
        List<LogEvent> events,
        StreamingReplayOptions replay,
        EvaluateArgs args,
        Func<string, string> nearKey,
        CancellationToken cancellationToken)
    {
        var clock = context.Time.GetTimestamp();
        InProcessPipeline service;
        try
        {
            service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(indexPath) { ModelPath = modelPath, Settings = settings }, cancellationToken);
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException or FormatException)
        {
            throw new CliUserException($"the in-process service ({name}) did not start: {ex.Message}");
        }

        await using (service)
        {
            var cases = new List<ReplayCase>();
            List<IReadOnlyList<string>>? shown = null;
            string? current = null;
            var lastVersion = string.Empty;
            long heuristicAnswers = 0;
            var stats = await StreamingReplay.RunAsync(
                events,
                service,
                replay,
                (e, query, length, response) =>
                {
                    if (length == 1)
                    {
                        Close();
                        shown = [];
                        current = query;
                    }

                    shown!.Add(response.Items.Select(static i => i.Text).ToArray());
                    lastVersion = response.Metadata?.ModelVersion ?? string.Empty;
                    if (response.Items.Count > 0 && lastVersion.StartsWith("heuristic", StringComparison.Ordinal))
                    {
                        heuristicAnswers++;
                    }

                    return ValueTask.CompletedTask;
                },
                cancellationToken,
                replay.RebuildEvery is null ? null : ReplayIndexRebuild.For(events, service, context.Time));
            Close();
            if (modelPath is not null && heuristicAnswers > 0)
            {
                await context.Error.WriteLineAsync($"warning: the model {modelPath} is not serving: {heuristicAnswers} of {stats.Suggests} 'learned' answers came from the heuristic scorer (model version {lastVersion}).");
            }

            return Run(name, cases, cases, args, nearKey, context.Time.GetElapsedTime(clock), stats);

            void Close()
            {
                if (current is not null && shown is not null)
                {
                    cases.Add(new ReplayCase(current, shown));
                }
            }
        }
    }

    internal static RankerRun Run(string name, List<ReplayCase> near, List<ReplayCase> exact, EvaluateArgs args, Func<string, string> nearKey, TimeSpan elapsed, StreamingReplayStats? stats)
        => new(
            name,
            ReplayMetrics.Compute(near, args.MaxPrefix, args.SavedTopK, nearKey),
            ReplayMetrics.Compute(exact, args.MaxPrefix, args.SavedTopK),
            elapsed,
            stats);

    /// <summary>The first <see cref="ReplayMetrics.Depth"/> of <paramref name="texts"/>, one per key (the first form kept).</summary>
    internal static IReadOnlyList<string> Collapse(IReadOnlyList<string> texts, Func<string, string> key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(ReplayMetrics.Depth);
        foreach (var text in texts)
        {
            if (result.Count < ReplayMetrics.Depth && seen.Add(key(text)))
            {
                result.Add(text);
            }
        }

        return result;
    }
}
