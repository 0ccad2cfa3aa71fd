using System.CommandLine;
using QueryRec.Indexer.Build;

namespace QueryRec.Indexer.Commands;

/// <summary>The options that shape the aggregate tables, shared by <c>aggregate</c> and <c>build</c>.</summary>
internal sealed class AggregationArgs
{
    private static readonly BuildOptions Defaults = new();

    public Option<TimeSpan> SessionGap { get; } = new("--session-gap") { Description = "Inactivity that ends a session (hh:mm:ss or d.hh:mm:ss).", DefaultValueFactory = _ => Defaults.SessionGap };

    public Option<TimeSpan> MaxDisorder { get; } = new("--max-disorder") { Description = "How late an event may arrive after newer ones and still join its session.", DefaultValueFactory = _ => Defaults.MaxDisorder };

    public Option<TimeSpan> FragmentWindow { get; } = new("--fragment-window") { Description = "A search that is a prefix of the next one within this window, without click, is a typed fragment.", DefaultValueFactory = _ => Defaults.FragmentWindow };

    public Option<TimeSpan> HalfLife { get; } = new("--half-life") { Description = "Half-life of the popularity decay.", DefaultValueFactory = _ => Defaults.HalfLife };

    public Option<TimeSpan> TrendWindow { get; } = new("--trend-window") { Description = "Recent window of trending, ending at the last event.", DefaultValueFactory = _ => Defaults.TrendWindow };

    public Option<TimeSpan> TrendBaseline { get; } = new("--trend-baseline") { Description = "Baseline of trending, just before the recent window.", DefaultValueFactory = _ => Defaults.TrendBaseline };

    public IEnumerable<Option> All => [SessionGap, MaxDisorder, FragmentWindow, HalfLife, TrendWindow, TrendBaseline];

    /// <summary>The options given on the command line (not defaulted).</summary>
    public IEnumerable<string> Given(ParseResult parseResult) => All.Where(o => parseResult.GetResult(o) is { Implicit: false }).Select(o => o.Name);

    public BuildOptions ApplyTo(ParseResult parseResult, BuildOptions options) => options with
    {
        SessionGap = parseResult.GetValue(SessionGap),
        MaxDisorder = parseResult.GetValue(MaxDisorder),
        FragmentWindow = parseResult.GetValue(FragmentWindow),
        HalfLife = parseResult.GetValue(HalfLife),
        TrendWindow = parseResult.GetValue(TrendWindow),
        TrendBaseline = parseResult.GetValue(TrendBaseline),
    };
}
