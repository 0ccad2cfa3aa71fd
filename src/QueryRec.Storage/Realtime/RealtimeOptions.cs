using System.ComponentModel.DataAnnotations;

namespace QueryRec.Storage.Realtime;

/// <summary>Bounds and windows of the real-time namespace. Section <c>QueryRec:Realtime</c>.</summary>
public sealed class RealtimeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Realtime";

    /// <summary>The longest <see cref="DedupeWindow"/> accepted (erasure derives the exposure days to delete from it).</summary>
    public const string MaxDedupeWindowText = "7.00:00:00";

    /// <summary>How long an event id is remembered for deduplication.</summary>
    [Range(typeof(TimeSpan), "00:00:01", MaxDedupeWindowText)]
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many recent distinct queries are kept per subject.</summary>
    [Range(1, 1000)]
    public int RecentQueriesCap { get; set; } = 50;

    /// <summary>How many recently viewed distinct items are kept per subject.</summary>
    [Range(1, 1000)]
    public int ViewedItemsCap { get; set; } = 50;

    /// <summary>How many distinct pushed queries are kept per subject (push cool-down and daily cap read them).</summary>
    [Range(1, 1000)]
    public int PushesSentCap { get; set; } = 100;

    /// <summary>
    /// How long an entry of a subject's recent lists (search history, viewed and ordered items, pushes sent) lives after it was last searched
    /// or viewed; a list untouched for that long goes as a whole.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan HistoryTtl { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The width of one trending time bucket.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan TrendingBucket { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The trending window: how far back submissions count.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan TrendingWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most distinct queries tracked per trending bucket (the rest are dropped, least submitted first).</summary>
    [Range(10, 1_000_000)]
    public int TrendingQueriesPerBucket { get; set; } = 10_000;

    /// <summary>Most subjects held by the in-process store (least recently used are evicted).</summary>
    [Range(100, 10_000_000)]
    public int EmbeddedMaxSubjects { get; set; } = 100_000;

    /// <summary>Most event ids remembered for deduplication by the in-process store (least recently used are evicted).</summary>
    [Range(100, 10_000_000)]
    public int EmbeddedMaxEventIds { get; set; } = 200_000;

    /// <summary>
    /// The time budget of the real-time store calls of one request. Past it, <c>ReportEvents</c> answers degraded
    /// (<c>realtime_store_timeout</c>) without claiming the events were stored.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30")]
    public TimeSpan StoreBudget { get; set; } = TimeSpan.FromMilliseconds(500);
}
