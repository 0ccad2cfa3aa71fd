namespace QueryRec.Serving.Resilience;

/// <summary>
/// Keeps the log of a background loop readable while a dependency is down. A loop that polls Redis every few
/// seconds fails on every poll during an outage; logging each failure with its stack trace buries everything else.
/// So, per loop: the first failure of a streak is logged in full (the loop's own message, with the exception), as is
/// the first failure of each other kind (exception type) within the streak — kinds often alternate during an outage,
/// e.g. a connection error, then the open circuit's own exception —; further failures of a seen kind are logged at
/// Debug level without a stack, and at most once per <see cref="RepeatEvery"/> as one Warning line with the count
/// and the latest error; the first success after a streak logs one Information line with the count and duration.
/// </summary>
/// <param name="task">What the loop does, for the one-line messages ("index refresh from store redis").</param>
/// <param name="timeProvider">The clock.</param>
/// <param name="repeatEvery">How often a continuing streak is reported again at Warning level.</param>
internal sealed class FailureStreak(string task, TimeProvider timeProvider, TimeSpan repeatEvery)
{
    /// <summary>The default interval between Warning lines of a continuing streak.</summary>
    public static readonly TimeSpan DefaultRepeatEvery = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset _since;
    private DateTimeOffset _lastWarning;
    private readonly HashSet<Type> _kinds = [];

    /// <summary>Creates a streak that repeats its Warning line every <see cref="DefaultRepeatEvery"/>.</summary>
    public FailureStreak(string task, TimeProvider timeProvider)
        : this(task, timeProvider, DefaultRepeatEvery)
    {
    }

    /// <summary>How often a continuing streak is reported again at Warning level.</summary>
    public TimeSpan RepeatEvery { get; } = repeatEvery > TimeSpan.Zero
        ? repeatEvery
        : throw new ArgumentOutOfRangeException(nameof(repeatEvery), repeatEvery, "Must be positive.");

    /// <summary>Failures in the current streak (0 when the last attempt succeeded).</summary>
    public int Failures
    {
        get
        {
            lock (_gate)
            {
                return _failures;
            }
        }
    }

    /// <summary>Records a failure and logs it as the rules above say.</summary>
    /// <param name="logger">The loop's logger.</param>
    /// <param name="exception">The failure.</param>
    /// <param name="logInFull">The loop's own full message (with the exception): used for a new streak or kind.</param>
    public void Failed(ILogger logger, Exception exception, Action<ILogger, Exception> logInFull)
    {
        var now = timeProvider.GetUtcNow();
        var kind = exception.GetType();
        bool full;
        bool warn = false;
        int failures;
        DateTimeOffset since;
        lock (_gate)
        {
            if (_failures == 0)
            {
                _since = now;
                _kinds.Clear();
            }

            // Bounded: a streak sees a handful of exception types; past 16 every further new type is logged in full.
            full = _kinds.Count >= MaxKinds ? !_kinds.Contains(kind) : _kinds.Add(kind);
            _failures++;
            if (full)
            {
                _lastWarning = now;
            }
            else if (now - _lastWarning >= RepeatEvery)
            {
                _lastWarning = now;
                warn = true;
            }

            failures = _failures;
            since = _since;
        }

        if (full)
        {
            logInFull(logger, exception);
        }
        else if (warn)
        {
            BackgroundLog.BackgroundStillFailing(logger, task, failures, since, Describe(exception));
        }
        else
        {
            BackgroundLog.BackgroundFailedAgain(logger, task, failures, Describe(exception));
        }
    }

    /// <summary>Records a success; logs the recovery when it ends a streak.</summary>
    public void Succeeded(ILogger logger)
    {
        int failures;
        TimeSpan duration;
        lock (_gate)
        {
            if (_failures == 0)
            {
                return;
            }

            failures = _failures;
            duration = timeProvider.GetUtcNow() - _since;
            _failures = 0;
        }

        BackgroundLog.BackgroundRecovered(logger, task, failures, duration);
    }

    /// <summary>One line: the exception's type and message, then its innermost cause's.</summary>
    internal static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var text = $"{exception.GetType().Name}: {exception.Message}";
        if (!ReferenceEquals(inner, exception))
        {
            text += $" (caused by {inner.GetType().Name}: {inner.Message})";
        }

        // Messages can be long (StackExchange.Redis lists its connection state): one bounded line.
        text = text.ReplaceLineEndings(" ");
        return text.Length <= MaxDescription ? text : string.Concat(text.AsSpan(0, MaxDescription), "…");
    }

    private const int MaxDescription = 500;
    private const int MaxKinds = 16;
}
