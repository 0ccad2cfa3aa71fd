using QueryRec.Indexer.Replay;

namespace QueryRec.UnitTests.Indexer.Replay;

public sealed class StreamingReplayOptionsTests
{
    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ServiceSettings_WithWarmup_StartTheReplayClockAtTheWarmupSoItsEventsAreNotTooOld()
    {
        // Both evaluate and train --events take their service settings from here; train once started the clock at the
        // index's anchor (just before the split), so warmup events more than a day older were refused as too old.
        var options = new StreamingReplayOptions(Split) { WarmupFrom = Split.AddDays(-7) };

        var settings = options.ServiceSettings(new Dictionary<string, string?> { ["QueryRec:Trending:MinDistinctUsers"] = "1" });

        Assert.Equal(Split.AddDays(-7), DateTimeOffset.Parse(settings["QueryRec:Clock:ReplayStart"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1", settings["QueryRec:Trending:MinDistinctUsers"]);
    }

    [Fact]
    public void ServiceSettings_WithoutWarmup_StartAtTheSplit_AndAnExplicitStartWins()
    {
        var options = new StreamingReplayOptions(Split);

        Assert.Equal(Split, options.ReplayFrom);
        var explicitStart = Split.AddDays(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var settings = options.ServiceSettings(new Dictionary<string, string?> { ["queryrec:clock:replaystart"] = explicitStart });
        Assert.Equal(explicitStart, settings["QueryRec:Clock:ReplayStart"]);
    }
}
