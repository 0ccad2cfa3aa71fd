using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Serving.Resilience;

namespace QueryRec.UnitTests.Serving.Resilience;

/// <summary>
/// The log of a background loop during an outage: one full entry per streak (and per new kind of failure), then
/// Debug lines, a Warning line at most once per interval, one recovery line.
/// </summary>
public sealed class FailureStreakTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-29T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ListLogger _log = new();

    private static void Full(ILogger logger, Exception exception) => logger.LogWarning(exception, "full entry");

    [Fact]
    public void Outage_FirstFailureInFull_RepeatsOnePerInterval_RecoveryOnce()
    {
        var streak = new FailureStreak("Index refresh", _time, TimeSpan.FromMinutes(1));
        var boom = new InvalidOperationException("redis down");

        // 10 minutes of failures, one poll every 5 s: 120 failures.
        for (var i = 0; i < 120; i++)
        {
            streak.Failed(_log, boom, Full);
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        var withStack = _log.Entries.Where(e => e.Exception is not null).ToList();
        Assert.Single(withStack);
        Assert.Equal("full entry", withStack[0].Message);
        var warnings = _log.Entries.Where(e => e.Level == LogLevel.Warning && e.Exception is null).ToList();

        // The full entry at t=0, then a Warning line at 60 s, 120 s, ... 595 s: 9 of them.
        Assert.Equal(9, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("still failing", w.Message, StringComparison.Ordinal));
        Assert.Contains("13 failures", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: redis down", warnings[0].Message, StringComparison.Ordinal);
        Assert.Equal(120 - 1 - 9, _log.Entries.Count(e => e.Level == LogLevel.Debug));
        Assert.Equal(120, streak.Failures);

        streak.Succeeded(_log);
        var recovered = Assert.Single(_log.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains("recovered after 120 failures", recovered.Message, StringComparison.Ordinal);
        Assert.Equal(0, streak.Failures);

        // A success outside a streak logs nothing; the next failure starts a new streak, in full.
        var before = _log.Entries.Count;
        streak.Succeeded(_log);
        Assert.Equal(before, _log.Entries.Count);
        streak.Failed(_log, boom, Full);
        Assert.Equal(2, _log.Entries.Count(e => e.Exception is not null));
    }

    [Fact]
    public void Streak_EachKindOfFailure_IsLoggedInFullOncePerStreak()
    {
        var streak = new FailureStreak("Trending refresh", _time);
        streak.Failed(_log, new TimeoutException("slow"), Full);
        streak.Failed(_log, new TimeoutException("slow again"), Full);
        streak.Failed(_log, new InvalidDataException("corrupt"), Full);
        streak.Failed(_log, new InvalidDataException("corrupt"), Full);

        // Kinds alternating within the streak (a connection error, then the open circuit's exception): each kind once.
        streak.Failed(_log, new TimeoutException("slow"), Full);
        streak.Failed(_log, new InvalidDataException("corrupt"), Full);

        Assert.Equal(["TimeoutException", "InvalidDataException"], _log.Entries.Where(e => e.Exception is not null).Select(e => e.Exception!.GetType().Name));
        Assert.Equal(4, _log.Entries.Count(e => e.Level == LogLevel.Debug));
        Assert.Equal(6, streak.Failures);

        // A new streak logs each kind in full again.
        streak.Succeeded(_log);
        streak.Failed(_log, new InvalidDataException("corrupt"), Full);
        Assert.Equal(3, _log.Entries.Count(e => e.Exception is not null));
    }

    [Fact]
    public void Describe_OneBoundedLineWithTheCause()
    {
        var inner = new IOException("connection reset");
        var text = FailureStreak.Describe(new InvalidOperationException("line one\nline two " + new string('x', 2000), inner));
        Assert.DoesNotContain('\n', text);
        Assert.StartsWith("InvalidOperationException: line one line two", text, StringComparison.Ordinal);
        Assert.True(text.Length <= 501, $"length {text.Length}");

        var shortText = FailureStreak.Describe(new InvalidOperationException("outer", inner));
        Assert.Equal("InvalidOperationException: outer (caused by IOException: connection reset)", shortText);
    }

    [Fact]
    public void RepeatEvery_MustBePositive()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new FailureStreak("x", _time, TimeSpan.Zero));

    private sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
