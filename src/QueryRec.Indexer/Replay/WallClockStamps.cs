namespace QueryRec.Indexer.Replay;

/// <summary>
/// The times a replay against a deployed server gives its events. Such a server runs on the wall clock and refuses an
/// event more than <c>EventValidator.MaxFutureSkew</c> (5 min) ahead of it or older than its dedupe window (1 day by
/// default), so a logged time cannot be sent; each event is stamped with the wall time at which it is sent instead:
/// <list type="bullet">
/// <item><description>
/// <see cref="Lag"/> behind the wall clock, so that a server whose clock is slightly behind does not clamp the stamps
/// to its "now" (which would make a user's events equal in time);
/// </description></item>
/// <item><description>never earlier than the previous stamp (the log's order is kept across users);</description></item>
/// <item><description>
/// at least 1 ms after the same user's previous stamp (the real-time store keeps times in milliseconds and orders a
/// user's recent queries by them, ties by text), so each user's own order is kept.
/// </description></item>
/// </list>
/// The gaps between events are not kept: a two-week log replayed in minutes reaches the server as minutes of events.
/// </summary>
internal sealed class WallClockStamps(TimeProvider wall)
{
    /// <summary>How far behind the wall clock a stamp is (unless order pushes it later).</summary>
    public static readonly TimeSpan Lag = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);

    private readonly Dictionary<string, DateTimeOffset> _lastOfUser = new(StringComparer.Ordinal);
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    /// <summary>The stamp of the next event, sent now, of <paramref name="userId"/>; stamps are given in the log's order.</summary>
    public DateTimeOffset Next(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var now = wall.GetUtcNow();
        var wholeMs = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()) - Lag;
        var stamp = wholeMs > _last ? wholeMs : _last;
        if (_lastOfUser.TryGetValue(userId, out var previous) && stamp < previous + Step)
        {
            stamp = previous + Step;
        }

        _lastOfUser[userId] = stamp;
        _last = stamp;
        return stamp;
    }
}
