using QueryRec.Indexer.Build;

namespace QueryRec.Indexer.Aggregates;

/// <summary>
/// The build options that shape the aggregate tables (recorded in the meta table): a build from tables takes them
/// from there, since tables made with another session gap or half-life would not give the index a log build gives.
/// </summary>
internal sealed record AggregationSettings
{
    public TimeSpan SessionGap { get; init; }

    public TimeSpan MaxDisorder { get; init; }

    public TimeSpan FragmentWindow { get; init; }

    public TimeSpan HalfLife { get; init; }

    public TimeSpan TrendWindow { get; init; }

    public TimeSpan TrendBaseline { get; init; }

    /// <summary>The trend bucket (one hour when both windows are whole hours, else one minute).</summary>
    public TimeSpan TrendBucket => LogAggregator.TrendBucket(new BuildOptions { TrendWindow = TrendWindow, TrendBaseline = TrendBaseline });

    /// <summary>The most events in one session; a longer one (a bot) is cut into sessions of this many.</summary>
    public static int MaxSessionEvents => Sessionizer.MaxSessionEvents;

    public static AggregationSettings From(BuildOptions options) => new()
    {
        SessionGap = options.SessionGap,
        MaxDisorder = options.MaxDisorder,
        FragmentWindow = options.FragmentWindow,
        HalfLife = options.HalfLife,
        TrendWindow = options.TrendWindow,
        TrendBaseline = options.TrendBaseline,
    };

    public BuildOptions ApplyTo(BuildOptions options) => options with
    {
        SessionGap = SessionGap,
        MaxDisorder = MaxDisorder,
        FragmentWindow = FragmentWindow,
        HalfLife = HalfLife,
        TrendWindow = TrendWindow,
        TrendBaseline = TrendBaseline,
    };
}
