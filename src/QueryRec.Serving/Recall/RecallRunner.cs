using QueryRec.Serving.Index;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Serving.Recall;

/// <summary>The result of one recall round: merged candidates in recall order and the reasons it is degraded.</summary>
internal sealed record RecallResult(IReadOnlyList<Candidate> Candidates, IReadOnlyList<string> DegradedReasons);

/// <summary>
/// Runs recall sources concurrently within one budget, drops those that fail (<c>source_error:{name}</c>) or
/// miss the budget (<c>source_timeout:{name}</c>; see <see cref="IRecallSource{TContext}.ReasonKind"/>), and merges the rest by normalized text. The call never fails
/// because of a source; only the caller's own cancellation propagates.
/// </summary>
internal static class RecallRunner
{
    /// <summary>Most candidates a round merges in the per-thread dictionary (<see cref="MergeScratch"/>).</summary>
    internal const int MaxScratchCapacity = 1024;

    [ThreadStatic]
    private static Dictionary<string, Candidate>? t_merged;

    /// <remarks>
    /// Sources that do not run inline start first, each after a thread-pool hop; then the inline ones
    /// (<see cref="IRecallSource{TContext}.RunsInline"/>) are called on the caller's thread. A source that completes
    /// synchronously costs no task, hop or timer; one that went asynchronous is awaited with the others within what
    /// is left of the budget. An inline source that completes synchronously but after the budget is dropped as late,
    /// exactly like one whose read is still pending at the deadline.
    /// </remarks>
    public static async Task<RecallResult> RunAsync<TContext>(
        IReadOnlyList<IRecallSource<TContext>> sources,
        TContext context,
        CallScope scope,
        TimeSpan budget,
        TimeProvider timeProvider,
        ILogger logger,
        string rpc,
        CancellationToken cancellationToken,
        string span = QueryRecTelemetry.Spans.Recall)
    {
        using var activity = QueryRecTelemetry.Source.StartActivity(span);
        var started = timeProvider.GetTimestamp();
        var count = sources.Count;
        var results = new IReadOnlyList<Candidate>?[count];
        Task<IReadOnlyList<Candidate>>?[]? tasks = null;
        bool[]? late = null;
        var pending = 0;
        for (var i = 0; i < count; i++)
        {
            if (!sources[i].RunsInline)
            {
                (tasks ??= new Task<IReadOnlyList<Candidate>>?[count])[i] = RecallAsync(sources[i], context, yieldFirst: true, cancellationToken).AsTask();
                pending++;
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (!sources[i].RunsInline)
            {
                continue;
            }

            var recall = RecallAsync(sources[i], context, yieldFirst: false, cancellationToken);
            if (!recall.IsCompletedSuccessfully)
            {
                (tasks ??= new Task<IReadOnlyList<Candidate>>?[count])[i] = recall.AsTask();
                pending += recall.IsCompleted ? 0 : 1;
            }
            else if (budget <= TimeSpan.Zero || timeProvider.GetElapsedTime(started) > budget)
            {
                (late ??= new bool[count])[i] = true;
            }
            else
            {
                results[i] = recall.Result;
            }
        }

        if (pending > 0)
        {
            // One deadline for the whole round: the sources still running get what is left of the budget.
            var left = budget - timeProvider.GetElapsedTime(started);
            try
            {
                await Task.WhenAll(Pending(tasks!)).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, timeProvider, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Inspected per source below.
            }
        }

        using var merge = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Merge);
        List<string>? degraded = null;
        // Sized once for every candidate of the round: growing them was an eighth of an uncached call's allocations.
        var capacity = 0;
        for (var i = 0; i < count; i++)
        {
            capacity += results[i]?.Count ?? (tasks?[i] is { IsCompletedSuccessfully: true } done ? done.Result.Count : 0);
        }

        var merged = MergeScratch(capacity);
        var ordered = new List<Candidate>(capacity);
        for (var i = 0; i < count; i++)
        {
            var candidates = results[i];
            if (candidates is null)
            {
                var name = sources[i].Name;
                var kind = sources[i].ReasonKind;
                var task = tasks?[i];
                if (late?[i] == true || task is { IsCompleted: false })
                {
                    IndexLog.StoreReadDegraded(logger, null, rpc, kind + "_timeout:" + name);
                    (degraded ??= []).Add(kind + "_timeout:" + name);
                    if (task is not null)
                    {
                        ObserveLate(task);
                    }

                    continue;
                }

                if (!task!.IsCompletedSuccessfully)
                {
                    // A read refused by the open circuit needs no stack trace: the circuit's own log entry has the cause.
                    var error = task.Exception?.GetBaseException();
                    IndexLog.StoreReadDegraded(logger, error is Polly.CircuitBreaker.BrokenCircuitException ? null : error, rpc, kind + "_error:" + name);
                    (degraded ??= []).Add(kind + "_error:" + name);
                    scope.AddStoreFault(error);
                    continue;
                }

                candidates = task.Result;
            }

            MergeInto(candidates, merged, ordered);
        }

        merged.Clear();
        cancellationToken.ThrowIfCancellationRequested();
        if (activity is { IsAllDataRequested: true })
        {
            merge?.SetTag(QueryRecTelemetry.Attributes.Candidates, ordered.Count);
            activity.SetTag(QueryRecTelemetry.Attributes.Candidates, ordered.Count);
            if (degraded is not null)
            {
                activity.SetTag(QueryRecTelemetry.Attributes.DegradedReason, string.Join(',', degraded));
            }
        }

        return new RecallResult(ordered, degraded is null ? [] : degraded);
    }

    /// <summary>
    /// The merge's dictionary, one per thread, empty: the merge never awaits, so no two rounds share it, and a new one
    /// per round was a tenth of an uncached call's allocations. A round far larger than usual gets its own.
    /// </summary>
    private static Dictionary<string, Candidate> MergeScratch(int capacity)
    {
        if (capacity > MaxScratchCapacity)
        {
            return new Dictionary<string, Candidate>(capacity, StringComparer.Ordinal);
        }

        var scratch = t_merged ??= new Dictionary<string, Candidate>(MaxScratchCapacity, StringComparer.Ordinal);
        scratch.Clear();
        return scratch;
    }

    /// <summary>Merges a later round into an earlier one by normalized text, keeping first-seen order.</summary>
    public static RecallResult Combine(RecallResult first, RecallResult second)
    {
        var merged = new Dictionary<string, Candidate>(first.Candidates.Count + second.Candidates.Count, StringComparer.Ordinal);
        var ordered = new List<Candidate>(first.Candidates.Count + second.Candidates.Count);
        MergeInto(first.Candidates, merged, ordered);
        MergeInto(second.Candidates, merged, ordered);

        var degraded = first.DegradedReasons.Count == 0 ? second.DegradedReasons
            : second.DegradedReasons.Count == 0 ? first.DegradedReasons
            : [.. first.DegradedReasons, .. second.DegradedReasons];
        return new RecallResult(ordered, degraded);
    }

    /// <summary>Adds <paramref name="candidates"/> by normalized text: a text met before merges into its first candidate.</summary>
    private static void MergeInto(IReadOnlyList<Candidate> candidates, Dictionary<string, Candidate> merged, List<Candidate> ordered)
    {
        // Indexed: a foreach over the interface boxes an enumerator per source and round.
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
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

    private static IEnumerable<Task> Pending(Task<IReadOnlyList<Candidate>>?[] tasks)
    {
        foreach (var task in tasks)
        {
            if (task is { IsCompleted: false })
            {
                yield return task;
            }
        }
    }

    private static async ValueTask<IReadOnlyList<Candidate>> RecallAsync<TContext>(
        IRecallSource<TContext> source, TContext context, bool yieldFirst, CancellationToken cancellationToken)
    {
        // One span per source, a child of the round's span, ending when the source does (also past the budget).
        using var activity = QueryRecTelemetry.StartRecallSource(source.Name);

        // A source that is not inline yields first, so that its synchronous work cannot hold up the others. Either
        // way a source that throws synchronously faults its own result instead of the round.
        if (yieldFirst)
        {
            await Task.Yield();
        }

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
