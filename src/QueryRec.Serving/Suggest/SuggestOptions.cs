using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using QueryRec.Core;
namespace QueryRec.Serving.Suggest;

/// <summary>Suggest behaviour. Section <c>QueryRec:Suggest</c>.</summary>
public sealed class SuggestOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Suggest";

    /// <summary>The time budget for store reads of one Suggest call; past it the answer is returned degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan StoreBudget { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The limit used when a request leaves it at 0.</summary>
    [Range(1, Limits.MaxSuggestLimit)]
    public int DefaultLimit { get; set; } = Limits.DefaultSuggestLimit;

    /// <summary>How many of the caller's recent queries are read to match the prefix; 0 turns personalization off.</summary>
    [Range(0, 1000)]
    public int HistoryMax { get; set; } = 50;

    /// <summary>
    /// What happens to completions outside the request's category filters: <c>Filter</c> (matching ones first, the
    /// rest only fill up to the limit) or <c>Boost</c> (their score is multiplied by <see cref="CategoryBoostFactor"/>).
    /// </summary>
    public Rerank.CategoryFilterMode CategoryFilter { get; set; } = Rerank.CategoryFilterMode.Filter;

    /// <summary>In <c>Boost</c> mode, how much completions outside the category filters are lowered (0.001–1; for none at all use <c>Filter</c>).</summary>
    [Range(0.001, 1.0)]
    public double CategoryBoostFactor { get; set; } = 0.3;

    /// <summary>The short-lived cache of answers to calls that carry no personal signal (<see cref="Suggest.SuggestResponseCache"/>).</summary>
    [Required]
    [ValidateObjectMembers]
    public SuggestResponseCacheSettings ResponseCache { get; set; } = new();
}

/// <summary>The Suggest response cache. Section <c>QueryRec:Suggest:ResponseCache</c>.</summary>
public sealed class SuggestResponseCacheSettings
{
    /// <summary>Turns the response cache on or off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most answers held (least recently used are evicted first).</summary>
    [Range(16, 1_000_000)]
    public int MaxEntries { get; set; } = 20_000;

    /// <summary>
    /// How long an answer is served from the cache at most. Answers are also keyed by the trending snapshot, so a
    /// trending refresh already starts new entries; the TTL bounds what no key covers (options reloads).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Also serve a caller with a user or device id from the cache when its recent queries and viewed items are both
    /// empty. On by default: storefront calls carry a device id, so without it no call is cached. Whether a subject has
    /// history is read once (before recall, under its own <c>history.check</c> span) and remembered for
    /// <see cref="HistoryPresenceTtl"/>.
    /// </summary>
    public bool IncludeSubjectsWithoutHistory { get; set; } = true;

    /// <summary>
    /// How long this instance remembers that a subject has (or has not) any recent query or viewed item, so that a
    /// call of a subject known to have none is a cache hit without a store read. A ReportEvents call on this instance
    /// forgets its subjects at once; events reported to another instance show here after at most this long.
    /// Zero turns the memory off (every call with a subject reads its history first).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan HistoryPresenceTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most subjects whose history presence is remembered (least recently used are evicted first).</summary>
    [Range(16, 10_000_000)]
    public int HistoryPresenceMaxEntries { get; set; } = 100_000;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="SuggestOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class SuggestOptionsValidator : IValidateOptions<SuggestOptions>;
