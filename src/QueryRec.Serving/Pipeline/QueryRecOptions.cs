using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using QueryRec.Core;
using QueryRec.Storage.Realtime;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Events;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Index;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;

namespace QueryRec.Serving.Pipeline;

/// <summary>Where the index comes from. Section <c>QueryRec:Store</c>.</summary>
public sealed class StoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Store";

    /// <summary>
    /// A StackExchange.Redis configuration string (e.g. "127.0.0.1:6379" or several cluster nodes), with AUTH
    /// (<c>password=</c>, <c>user=</c>) and TLS (<c>ssl=true</c>, <c>sslHost=</c>, and our <c>tlsCaFile=</c>,
    /// <c>tlsCertFile=</c>, <c>tlsKeyFile=</c>: see <see cref="QueryRec.Storage.Redis.RedisConnection.CreateOptions"/>).
    /// Empty means the embedded in-process store, loaded from <see cref="IndexPath"/>.
    /// </summary>
    [MaxLength(2048)]
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key; must match the indexer's <c>--key-prefix</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,32}$")]
    public string KeyPrefix { get; set; } = "qr:";

    /// <summary>The embedded index file (<c>.qrx</c>) to serve when no Redis is configured. Reloaded when it changes.</summary>
    [MaxLength(4096)]
    public string? IndexPath { get; set; }

    /// <summary>How often the active version is polled (pub/sub announcements act sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Longest prefix, in characters (runes), for which the index holds a node, used only for an index that
    /// does not say (indexes built by <c>QueryRec.Indexer build</c> record their own <c>--max-prefix-length</c>).
    /// </summary>
    [Range(1, 256)]
    public int MaxIndexedPrefixLength { get; set; } = 32;
}

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

/// <summary>Source-generated DataAnnotations validation of <see cref="StoreOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>;

/// <summary>Source-generated DataAnnotations validation of <see cref="SuggestOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class SuggestOptionsValidator : IValidateOptions<SuggestOptions>;

/// <summary>Source-generated DataAnnotations validation of <see cref="RealtimeOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RealtimeOptionsValidator : IValidateOptions<RealtimeOptions>;

/// <summary>Cross-field rules of <see cref="RealtimeOptions"/>.</summary>
internal sealed class RealtimeOptionsRules : IValidateOptions<RealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeOptions options)
        => options.TrendingWindow < options.TrendingBucket
            ? ValidateOptionsResult.Fail($"{RealtimeOptions.Section}:TrendingWindow ({options.TrendingWindow}) must be at least one TrendingBucket ({options.TrendingBucket}).")
            : ValidateOptionsResult.Success;
}

/// <summary>Cross-field rules of <see cref="StoreOptions"/>.</summary>
internal sealed class StoreOptionsRules : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Redis) && !string.IsNullOrWhiteSpace(options.IndexPath) && !File.Exists(options.IndexPath))
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.Section}:IndexPath '{options.IndexPath}' does not exist. Build one with 'QueryRec.Indexer build', or configure {StoreOptions.Section}:Redis.");
        }

        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            try
            {
                _ = QueryRec.Storage.Redis.RedisConnection.CreateOptions(options.Redis);
            }
            catch (ArgumentException ex)
            {
                // The message never holds the password; the configuration string is redacted.
                return ValidateOptionsResult.Fail($"{StoreOptions.Section}:Redis '{QueryRec.Storage.Redis.RedisConnection.Redact(options.Redis)}' is invalid: {ex.Message}");
            }
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>Pinyin, infix and typo-tolerant matching of Suggest. Section <c>QueryRec:Suggest:Matching</c>.</summary>
public sealed class MatchingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Suggest:Matching";

    /// <summary>Pinyin recall: full pinyin, initials and mixed hanzi+pinyin input, and homophone correction.</summary>
    public bool Pinyin { get; set; } = true;

    /// <summary>Word-start infix recall ("dress" finds "red dress") and its any-order fallback.</summary>
    public bool Infix { get; set; } = true;

    /// <summary>Typo-tolerant recall over the version's vocabulary.</summary>
    public bool Fuzzy { get; set; } = true;

    /// <summary>Shortest input, in characters (runes), that typo tolerance corrects (with one edit).</summary>
    [Range(1, 64)]
    public int FuzzyMinLength { get; set; } = 4;

    /// <summary>Shortest input, in characters (runes), that may be two edits away from what it matches.</summary>
    [Range(1, 64)]
    public int FuzzyTwoEditsLength { get; set; } = 8;

    /// <summary>How many vocabulary texts (most popular first) the typo-tolerant matcher holds at most.</summary>
    [Range(1, 10_000_000)]
    public int MaxFuzzyVocabulary { get; set; } = 500_000;

    /// <summary>How many matched vocabulary prefixes (nearest, then most popular) are read per request.</summary>
    [Range(1, 64)]
    public int MaxFuzzyPrefixes { get; set; } = 4;

    /// <summary>How many pinyin readings of the hanzi head of a mixed input (or of a homophone input) are looked up.</summary>
    [Range(1, 16)]
    public int MaxLookupVariants { get; set; } = 4;

    /// <summary>How many split points of an all-hanzi input the any-order infix fallback tries.</summary>
    [Range(1, 8)]
    public int MaxAnyOrderSplits { get; set; } = 3;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="MatchingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class MatchingOptionsValidator : IValidateOptions<MatchingOptions>;

/// <summary>Cross-field rules of <see cref="MatchingOptions"/>.</summary>
internal sealed class MatchingOptionsRules : IValidateOptions<MatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, MatchingOptions options)
        => options.FuzzyTwoEditsLength < options.FuzzyMinLength
            ? ValidateOptionsResult.Fail($"{MatchingOptions.Section}:FuzzyTwoEditsLength ({options.FuzzyTwoEditsLength}) must be at least FuzzyMinLength ({options.FuzzyMinLength}).")
            : ValidateOptionsResult.Success;
}
