using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Simulate;

namespace QueryRec.UnitTests.Indexer;

public sealed class LogSimulatorTests
{
    private static readonly SimulationOptions Small = new() { Users = 100, Days = 3, SessionsPerUser = 3 };

    private static string[] AsLines(IEnumerable<LogEvent> events) => [.. events.Select(JsonlEventFormat.Format)];

    [Fact]
    public void Generate_SameSeed_SameEvents()
    {
        var first = AsLines(LogSimulator.Generate(Small with { Seed = 7 }));
        var second = AsLines(LogSimulator.Generate(Small with { Seed = 7 }));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_DifferentSeeds_DifferentEvents()
    {
        var first = AsLines(LogSimulator.Generate(Small with { Seed = 1 }));
        var second = AsLines(LogSimulator.Generate(Small with { Seed = 2 }));

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Generate_Defaults_EventsAreValidSortedAndMixed()
    {
        var events = LogSimulator.Generate(new SimulationOptions());

        Assert.All(events, e => Assert.Null(LogEventValidator.Validate(e)));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Time <= p.Second.Time), "events are not sorted by time");
        Assert.Equal(4, events.Select(e => e.Type).Distinct().Count());
        Assert.Contains(events, e => e.Query.Any(c => c >= 0x4E00 && c <= 0x9FFF));
        Assert.Contains(events, e => e.Query.All(char.IsAscii));
        Assert.Equal(500, events.Select(e => e.UserId).Distinct().Count());
    }

    [Fact]
    public void Build_SimulatedDefaults_YieldsNonTrivialIndex()
    {
        var events = LogSimulator.Generate(new SimulationOptions());

        var result = IndexBuilder.Build(events, new BuildOptions(), new FixedTimeProvider(DateTimeOffset.UnixEpoch));

        Assert.InRange(result.Summary.QueriesKept, 50, 1000);
        Assert.True(result.Summary.PrefixNodes > result.Summary.QueriesKept, "too few prefix nodes");
        Assert.True(result.Summary.RemovedByMinCount > 0, "Zipf tail should leave some rare queries");
    }
}
