using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Contracts.V1;
using Polly.CircuitBreaker;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;

namespace QueryRec.UnitTests.Serving.Recall;

/// <summary>
/// The recall round with sources that run inline (on the caller's thread, no thread-pool hop): they still merge in
/// source order, are dropped with their own reason when they fail or are late, leave the other sources alone, and
/// still get one span each under the round's span.
/// </summary>
public sealed class RecallRunnerTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(50);

    // On the real clock, a budget no busy CI machine overruns: those tests are not about the deadline.
    private static readonly TimeSpan RealTimeBudget = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task InlineSources_CompletingSynchronously_AnswerWithoutSuspending_MergedInSourceOrder()
    {
        var caller = Environment.CurrentManagedThreadId;
        var first = new TestSource("first", inline: true, _ => [Make("a", Source.Prefix), Make("b", Source.Prefix)]);
        var second = new TestSource("second", inline: true, _ => [Make("c", Source.Infix), Make("a", Source.Infix)]);

        var round = RecallRunner.RunAsync<int>([first, second], 0, Scope(), RealTimeBudget, TimeProvider.System, NullLogger.Instance, "Test", CancellationToken.None);

        Assert.True(round.IsCompletedSuccessfully, "a round of synchronous inline sources completes before RunAsync returns");
        var result = await round;
        Assert.Equal(["a", "b", "c"], result.Candidates.Select(static c => c.Text));
        Assert.Equal([Source.Prefix, Source.Infix], result.Candidates[0].Sources);
        Assert.Empty(result.DegradedReasons);
        Assert.Equal([caller], first.Threads);
        Assert.Equal([caller], second.Threads);
    }

    private static CallScope Scope() => new(DateTime.MaxValue, TimeProvider.System);

    [Fact]
    public async Task Source_RefusedByTheOpenCircuit_IsDroppedAndTheCallGetsTheStoreReason()
    {
        var refused = new TestSource("refused", inline: false, IReadOnlyList<Candidate> (_) => throw new BrokenCircuitException());
        var failed = new TestSource("failed", inline: true, IReadOnlyList<Candidate> (_) => throw new InvalidOperationException("boom"));
        var good = new TestSource("good", inline: true, _ => [Make("a", Source.Prefix)]);
        var scope = Scope();

        var result = await RecallRunner.RunAsync<int>([refused, failed, good], 0, scope, RealTimeBudget, TimeProvider.System, NullLogger.Instance, "Test", CancellationToken.None);

        Assert.Equal(["a"], result.Candidates.Select(static c => c.Text));
        Assert.Equal(["source_error:refused", "source_error:failed"], result.DegradedReasons);
        Assert.Equal([CallScope.CircuitOpenReason], scope.Reasons());
    }

    [Fact]
    public async Task InlineSource_ThrowingSynchronously_IsDroppedAsError_AndTheOthersAnswer()
    {
        var good = new TestSource("good", inline: true, _ => [Make("a", Source.Prefix)]);
        var bad = new TestSource("bad", inline: true, IReadOnlyList<Candidate> (_) => throw new InvalidOperationException("boom"));
        var pooled = new TestSource("pooled", inline: false, _ => [Make("b", Source.Infix)]);

        var result = await RecallRunner.RunAsync<int>([bad, good, pooled], 0, Scope(), RealTimeBudget, TimeProvider.System, NullLogger.Instance, "Test", CancellationToken.None);

        Assert.Equal(["a", "b"], result.Candidates.Select(static c => c.Text));
        Assert.Equal(["source_error:bad"], result.DegradedReasons);
    }

    [Fact]
    public Task InlineSource_WhoseReadGoesAsynchronous_IsAwaitedWithinTheBudget_AndDroppedAsTimeoutPastIt() => Task.Run(async () =>
    {
        // Off the test framework's synchronization context, and "late" completes its awaiters inline: when SetResult
        // returns, the round has seen the read finish, so the fake clock cannot overtake it (with asynchronous
        // continuations the budget could fire first on a busy machine and drop the read as late).
        var time = new FakeTimeProvider();
        var never = new TaskCompletionSource<IReadOnlyList<Candidate>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var late = new TaskCompletionSource<IReadOnlyList<Candidate>>();
        var good = new TestSource("good", inline: true, _ => [Make("a", Source.Prefix)]);
        var slow = new TestSource("slow", inline: true, _ => never.Task);
        var inTime = new TestSource("in_time", inline: true, _ => late.Task);

        var round = RecallRunner.RunAsync<int>([slow, inTime, good], 0, Scope(), Budget, time, NullLogger.Instance, "Test", CancellationToken.None);
        Assert.False(round.IsCompleted, "the round waits for the asynchronous reads");

        late.SetResult([Make("b", Source.Infix)]);
        time.Advance(Budget / 2);
        Assert.False(round.IsCompleted, "the round waits for the read still pending while the budget lasts");
        time.Advance(Budget);
        var result = await round;

        Assert.Equal(["b", "a"], result.Candidates.Select(static c => c.Text));
        Assert.Equal(["source_timeout:slow"], result.DegradedReasons);
    });

    [Fact]
    public async Task InlineSource_CompletingSynchronouslyPastTheBudget_IsDroppedAsLate_AndPendingReadsGetNoMoreTime()
    {
        var time = new FakeTimeProvider();
        var pending = new TaskCompletionSource<IReadOnlyList<Candidate>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new TestSource("reader", inline: true, _ => pending.Task);
        var hog = new TestSource("hog", inline: true, _ =>
        {
            time.Advance(Budget + TimeSpan.FromMilliseconds(1));
            return [Make("late", Source.Prefix)];
        });

        var result = await RecallRunner.RunAsync<int>([reader, hog], 0, Scope(), Budget, time, NullLogger.Instance, "Test", CancellationToken.None);

        Assert.Empty(result.Candidates);
        Assert.Equal(["source_timeout:reader", "source_timeout:hog"], result.DegradedReasons);
        pending.SetResult([]);
    }

    [Fact]
    public async Task ZeroBudget_DropsInlineSourcesAsLate_EvenWhenTheyAnswerSynchronously()
    {
        var first = new TestSource("first", inline: true, _ => [Make("a", Source.Prefix)]);
        var second = new TestSource("second", inline: true, _ => [Make("b", Source.Prefix)]);

        var result = await RecallRunner.RunAsync<int>([first, second], 0, Scope(), TimeSpan.Zero, new FakeTimeProvider(), NullLogger.Instance, "Test", CancellationToken.None);

        Assert.Empty(result.Candidates);
        Assert.Equal(["source_timeout:first", "source_timeout:second"], result.DegradedReasons);
    }

    [Fact]
    public async Task InlineSources_HaveOneSpanEach_UnderTheRoundSpan_AndTheCallersCurrentSpanIsRestored()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static s => s.Name == QueryRecTelemetry.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (spans)
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var outer = new Activity("test-outer").Start();
        var inline = new TestSource("inline", inline: true, _ => [Make("a", Source.Prefix), Make("b", Source.Prefix)]);
        var pooled = new TestSource("pooled", inline: false, _ => [Make("c", Source.Infix)]);

        await RecallRunner.RunAsync<int>([inline, pooled], 0, Scope(), RealTimeBudget, TimeProvider.System, NullLogger.Instance, "Test", CancellationToken.None);

        Assert.Same(outer, Activity.Current);
        List<Activity> ours;
        lock (spans)
        {
            ours = [.. spans.Where(s => s.TraceId == outer.TraceId)];
        }

        var round = Assert.Single(ours, static s => s.DisplayName == QueryRecTelemetry.Spans.Recall);
        Assert.Equal(outer.SpanId, round.ParentSpanId);
        Assert.Equal(
            ["merge", "recall.inline", "recall.pooled"],
            ours.Where(s => s.ParentSpanId == round.SpanId).Select(static s => s.DisplayName).Order(StringComparer.Ordinal));
        Assert.Equal(2, Assert.Single(ours, static s => s.DisplayName == "recall.inline").GetTagItem(QueryRecTelemetry.Attributes.Candidates));
    }

    private static Candidate Make(string text, Source source)
    {
        var candidate = new Candidate(text);
        candidate.AddSource(source);
        return candidate;
    }

    /// <summary>A test source: a synchronous answer, a task, or a synchronous throw.</summary>
    private sealed class TestSource : IRecallSource<int>
    {
        private readonly Func<int, ValueTask<IReadOnlyList<Candidate>>> _recall;

        public TestSource(string name, bool inline, Func<int, IReadOnlyList<Candidate>> recall)
            : this(name, inline, c => new ValueTask<IReadOnlyList<Candidate>>(recall(c)))
        {
        }

        public TestSource(string name, bool inline, Func<int, Task<IReadOnlyList<Candidate>>> recall)
            : this(name, inline, c => new ValueTask<IReadOnlyList<Candidate>>(recall(c)))
        {
        }

        private TestSource(string name, bool inline, Func<int, ValueTask<IReadOnlyList<Candidate>>> recall)
        {
            Name = name;
            RunsInline = inline;
            _recall = recall;
        }

        public string Name { get; }

        public bool RunsInline { get; }

        /// <summary>The threads the source was called on.</summary>
        public List<int> Threads { get; } = [];

        public ValueTask<IReadOnlyList<Candidate>> RecallAsync(int context, CancellationToken cancellationToken)
        {
            lock (Threads)
            {
                Threads.Add(Environment.CurrentManagedThreadId);
            }

            return _recall(context);
        }
    }
}
