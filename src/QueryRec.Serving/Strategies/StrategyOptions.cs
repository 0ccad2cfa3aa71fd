using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Strategies;

/// <summary>Options of the browse strategies (Discover, GetShadingWords). Section <c>QueryRec:Strategies</c>; hot-reloaded.</summary>
public sealed class StrategyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Strategies";

    /// <summary>One budget for all recall sources of a section or shading call; a late source is dropped (degraded).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RecallBudget { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Recent queries and viewed items read per request (the personal sources' seeds come from these).</summary>
    [Range(0, 1000)]
    public int HistoryMax { get; set; } = 20;

    /// <summary>Most recent queries whose q2q lists feed the personal sources (newest weigh more).</summary>
    [Range(1, 100)]
    public int PersonalSeedQueries { get; set; } = 5;

    /// <summary>
    /// PERSONAL and shading words read the Discover RELATED lists (rd: q2q, co-click, shared words, category hot) of
    /// the recent queries, each source weighted as RELATED weighs it; false: their q2q lists (r:) only. On by
    /// measurement (docs/evaluation.md, "Discover"): PERSONAL hit@10 10.6 → 17.4 % on Best Buy, 15.0 → 14.7 % simulated.
    /// </summary>
    public bool PersonalFromDiscoveryRelated { get; set; } = true;

    /// <summary>Most recently viewed items whose i2q lists feed the personal sources.</summary>
    [Range(1, 100)]
    public int PersonalSeedItems { get; set; } = 5;

    /// <summary>MMR λ of Discover and shading words: 1 keeps score order, lower values spread categories more.</summary>
    [Range(0.0, 1.0)]
    public double MmrLambda { get; set; } = 0.7;

    /// <summary>Discover items per section when the request says 0.</summary>
    [Range(1, 50)]
    public int DiscoverDefaultLimit { get; set; } = 10;

    /// <summary>Shading words per call when the request says 0.</summary>
    [Range(1, 20)]
    public int ShadingDefaultLimit { get; set; } = 5;

    /// <summary>
    /// Shading words: how many times one word may be shown to one user (or device) per UTC day, counted on reported
    /// SUGGESTION_SHOWN impressions. 0 disables the cap.
    /// </summary>
    [Range(0, 1000)]
    public int ShadingDailyExposureCap { get; set; } = 3;

    /// <summary>Shading words: seconds each set is shown before the client asks again; the rotation slot length.</summary>
    [Range(1, 86_400)]
    public int RotationIntervalSeconds { get; set; } = 30;

    /// <summary>Shading words: the rotation pool is the best <c>RotationPoolFactor × limit</c> words.</summary>
    [Range(1, 20)]
    public int RotationPoolFactor { get; set; } = 3;

    /// <summary>Shading words: the caller's own words (q2q of their searches, i2q of their views) score this many times a hot word.</summary>
    [Range(0.0, 100.0)]
    public double ShadingPersonalWeight { get; set; } = 2.0;

    /// <summary>
    /// Discover RELATED: each source's scores are scaled to its list's best (1), then times its weight; q2q weighs 1.
    /// Co-clicked queries (the same items clicked after both).
    /// </summary>
    [Range(0.0, 10.0)]
    public double RelatedCoClickWeight { get; set; } = 0.1;

    /// <summary>Discover RELATED: queries sharing words with the page's query (see <see cref="RelatedCoClickWeight"/>).</summary>
    [Range(0.0, 10.0)]
    public double RelatedSharedWordsWeight { get; set; } = 0.1;

    /// <summary>Discover RELATED: the category's hot queries, the fill of short lists (see <see cref="RelatedCoClickWeight"/>).</summary>
    [Range(0.0, 10.0)]
    public double RelatedCategoryHotWeight { get; set; } = 0.01;

    /// <summary>GetPushQueries: queries per call when the request says 0.</summary>
    [Range(1, 20)]
    public int PushDefaultLimit { get; set; } = 3;

    /// <summary>GetPushQueries: a query the subject searched within this long is never pushed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan PushSearchedWithin { get; set; } = TimeSpan.FromDays(7);

    /// <summary>GetPushQueries: most distinct queries pushed to one subject per UTC day, counted on reported PUSH_SENT events.</summary>
    [Range(1, 100)]
    public int PushDailyCap { get; set; } = 3;

    /// <summary>GetPushQueries: a query reported pushed to a subject is not pushed to them again for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan PushCoolDown { get; set; } = TimeSpan.FromDays(3);

    /// <summary>GetPushQueries: MMR λ over category hints (1 keeps score order, lower spreads categories more).</summary>
    [Range(0.0, 1.0)]
    public double PushMmrLambda { get; set; } = 0.7;

    /// <summary>GetPushQueries: how many interest categories (from the history's category hints) feed trending and the hot fallback.</summary>
    [Range(1, 20)]
    public int PushInterestCategories { get; set; } = 3;

    /// <summary>GetPushQueries: weight of the interest queries (q2q of the subject's recent searches, u2q2q).</summary>
    [Range(0.0, 100.0)]
    public double PushRelatedWeight { get; set; } = 1.0;

    /// <summary>GetPushQueries: weight of the refinements of the subject's recent (broad) searches.</summary>
    [Range(0.0, 100.0)]
    public double PushRefineWeight { get; set; } = 1.0;

    /// <summary>GetPushQueries: weight of the click-back queries (i2q) of items viewed but not ordered.</summary>
    [Range(0.0, 100.0)]
    public double PushClickBackWeight { get; set; } = 1.0;

    /// <summary>GetPushQueries: weight of the trending queries of the subject's interest categories.</summary>
    [Range(0.0, 100.0)]
    public double PushTrendingWeight { get; set; } = 0.5;

    /// <summary>GetPushQueries: weight of the hot queries of the subject's interest categories.</summary>
    [Range(0.0, 100.0)]
    public double PushCategoryHotWeight { get; set; } = 5.0;

    /// <summary>
    /// Operator pins from configuration, on top of the index's whitelist pins (<c>w:pins</c>); hot-reloaded with
    /// the configuration, so a campaign word needs no rebuild. At most 100.
    /// </summary>
    [MaxLength(100)]
    [ValidateEnumeratedItems]
    public List<PinOption> Pins { get; set; } = [];
}

/// <summary>One operator pin: a query shown as a shading word, everywhere or on one category's pages.</summary>
public sealed class PinOption
{
    /// <summary>The query text (normalized when served).</summary>
    [Required]
    [StringLength(256, MinimumLength = 1)]
    public string Query { get; set; } = string.Empty;

    /// <summary>The category whose pages show it; empty means every page.</summary>
    [StringLength(128)]
    public string Category { get; set; } = string.Empty;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="StrategyOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class StrategyOptionsValidator : IValidateOptions<StrategyOptions>;
