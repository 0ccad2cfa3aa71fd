using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Recall;

/// <summary>Real-time trending recall. Section <c>QueryRec:Trending</c>.</summary>
public sealed class TrendingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Trending";

    /// <summary>How often the in-memory trending list is re-read from the real-time store.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Refreshes before <see cref="RefreshInterval"/> is up once the searches this instance has accepted since the last
    /// refresh reach this share of the searches the current list counts (and at least
    /// <see cref="EarlyRefreshMinSearches"/>), at most once per <see cref="TrendingQueries.EarlyRefreshMinGap"/>. So the
    /// list is never more than that share behind the traffic: steady traffic never reaches it within the interval (1 %
    /// of an hour's window is 36 s of searches), but a burst does (a campaign, a fresh deployment filling its store, a
    /// log replayed at full speed), and there a list seconds old would be thousands of searches stale. 0 turns it off.
    /// </summary>
    [Range(0.0, 1.0)]
    public double EarlyRefreshShare { get; set; } = 0.01;

    /// <summary>Fewest searches accepted since the last refresh before an early refresh (see <see cref="EarlyRefreshShare"/>).</summary>
    [Range(1, 1_000_000)]
    public int EarlyRefreshMinSearches { get; set; } = 50;

    /// <summary>
    /// Distinct users (or devices) who must have submitted a query within the trending window before it is
    /// recalled as trending (it may be absent from the published index).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinDistinctUsers { get; set; } = 3;

    /// <summary>Most trending queries read per refresh (most submitted first).</summary>
    [Range(1, 100_000)]
    public int MaxQueries { get; set; } = 2000;

    /// <summary>Most trending queries one request recalls for its prefix (the most submitted win).</summary>
    [Range(1, 1000)]
    public int MaxPerRequest { get; set; } = 20;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="TrendingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class TrendingOptionsValidator : IValidateOptions<TrendingOptions>;
