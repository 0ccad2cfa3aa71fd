using QueryRec.Api.Hosting;

namespace QueryRec.Api.Recall;

/// <summary>The result of one recall round: merged candidates in recall order and the reasons it is degraded.</summary>
internal sealed record RecallResult(IReadOnlyList<Candidate> Candidates, IReadOnlyList<string> DegradedReasons);

/// <summary>
/// Runs recall sources concurrently within one budget, drops those that fail (<c>source_error:{name}</c>) or
/// miss the budget (<c>source_timeout:{name}</c>; see <see cref="IRecallSource{TContext}.ReasonKind"/>), and merges the rest by normalized text. The call never fails
/// because of a source; only the caller's own cancellation propagates.
/// </summary>
internal static class RecallRunner
{
    public static async Task<RecallResult> RunAsync<TContext>(
        IReadOnlyList<IRecallSource<TContext>> sources,
        TContext context,
        TimeSpan budget,
        TimeProvider timeProvider,
        ILogger logger,
        string rpc,
        CancellationToken cancellationToken,
        string span = QueryRecTelemetry.Spans.Recall)
    {
        using var activity = QueryRecTelemetry.Source.StartActivity(span);
        var tasks = new Task<IReadOnlyList<Candidate>>[sources.Count];
        for (var i = 0; i < sources.Count; i++)
        {
            tasks[i] = StartAsync(sources[i], context, cancellationToken);
        }

        // One deadline for the whole round: each source gets what is left of the budget.
        try
        {
            await Task.WhenAll(tasks).WaitAsync(budget, timeProvider, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Inspected per source below.
        }

        using var merge = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Merge);
        var degraded = new List<string>();
        var merged = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        var ordered = new List<Candidate>();
        for (var i = 0; i < tasks.Length; i++)
        {
            var task = tasks[i];
            var name = sources[i].Name;
            var kind = sources[i].ReasonKind;
            if (!task.IsCompleted)
            {
                Log.StoreReadDegraded(logger, null, rpc, kind + "_timeout:" + name);
                degraded.Add(kind + "_timeout:" + name);
                ObserveLate(task);
                continue;
            }

            if (!task.IsCompletedSuccessfully)
            {
                // A read refused by the open circuit needs no stack trace: the circuit's own log entry has the cause.
                var error = task.Exception?.GetBaseException();
                Log.StoreReadDegraded(logger, error is Polly.CircuitBreaker.BrokenCircuitException ? null : error, rpc, kind + "_error:" + name);
                degraded.Add(kind + "_error:" + name);
                continue;
            }

            foreach (var candidate in task.Result)
            {
                if (merged.TryGetValue(candidate.Text, out var existing))
                {
                    existing.Merge(candidate);
                }
                else
                {
                    merged.Add(candidate.Text, candidate);
                    ordered.Add(candidate);
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (activity is { IsAllDataRequested: true })
        {
            merge?.SetTag(QueryRecTelemetry.Attributes.Candidates, ordered.Count);
            activity.SetTag(QueryRecTelemetry.Attributes.Candidates, ordered.Count);
            if (degraded.Count > 0)
            {
                activity.SetTag(QueryRecTelemetry.Attributes.DegradedReason, string.Join(',', degraded));
            }
        }

        return new RecallResult(ordered, degraded);
    }

    /// <summary>Merges a later round into an earlier one by normalized text, keeping first-seen order.</summary>
    public static RecallResult Combine(RecallResult first, RecallResult second)
    {
        var merged = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        var ordered = new List<Candidate>(first.Candidates.Count + second.Candidates.Count);
        foreach (var candidate in first.Candidates.Concat(second.Candidates))
        {
            if (merged.TryGetValue(candidate.Text, out var existing))
            {
                existing.Merge(candidate);
            }
            else
            {
                merged.Add(candidate.Text, candidate);
                ordered.Add(candidate);
            }
        }

        return new RecallResult(ordered, [.. first.DegradedReasons, .. second.DegradedReasons]);
    }

    private static async Task<IReadOnlyList<Candidate>> StartAsync<TContext>(IRecallSource<TContext> source, TContext context, CancellationToken cancellationToken)
    {
        // One span per source, a child of the round's span, ending when the source does (also past the budget).
        using var activity = QueryRecTelemetry.StartRecallSource(source.Name);

        // Yield first so a source that does synchronous work cannot hold up the others.
        await Task.Yield();
        try
        {
            var candidates = await source.RecallAsync(context, cancellationToken);
            activity?.SetTag(QueryRecTelemetry.Attributes.Candidates, candidates.Count);
            return candidates;
        }
        catch (Exception ex)
        {
            QueryRecTelemetry.Fail(activity, ex);
            throw;
        }
    }

    /// <summary>Observes a read that is no longer awaited, so that its late failure is not an unobserved task exception.</summary>
    internal static void ObserveLate(Task task)
        => _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
