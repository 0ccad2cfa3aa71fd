using System.Security.Cryptography;
using System.Text;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Simulate;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Simulate;

public sealed class LogSimulatorTests
{
    private static readonly SimulationOptions Small = new() { Users = 100, Days = 3, SessionsPerUser = 3 };

    private static string[] AsLines(IEnumerable<LogEvent> events) => [.. events.Select(JsonlEventFormat.Format)];

    private static string Sha256(SimulationOptions options)
    {
        using var stream = new MemoryStream();
        LogSimulator.Write(options, stream);
        return Convert.ToHexString(SHA256.HashData(stream.ToArray()));
    }

    [Fact]
    public void Write_SameSeed_SameSha256()
    {
        var first = Sha256(Small with { Seed = 7 });
        var second = Sha256(Small with { Seed = 7 });

        Assert.Equal(first, second);
    }

    [Fact]
    public void Write_DifferentSeed_DifferentSha256()
    {
        var first = Sha256(Small with { Seed = 7 });
        var second = Sha256(Small with { Seed = 8 });

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Write_Defaults_SameBytesAsJsonlEventFormat()
    {
        using var stream = new MemoryStream();

        LogSimulator.Write(Small, stream);

        var expected = string.Concat(LogSimulator.Generate(Small).Select(static e => JsonlEventFormat.Format(e) + "\n"));
        Assert.Equal(expected, Encoding.UTF8.GetString(stream.ToArray()));
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
        Assert.Contains(events, e => e.Query.Any(char.IsAsciiLetter) && e.Query.Any(c => c >= 0x4E00 && c <= 0x9FFF));
        Assert.Contains(events, e => e.UserId.StartsWith("dev-", StringComparison.Ordinal));
        Assert.InRange(events.Select(e => e.UserId).Distinct().Count(), 400, 500);
    }

    [Fact]
    public void Generate_Defaults_FastAndDemoSized()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var events = LogSimulator.Generate(new SimulationOptions());

        Assert.InRange(events.Count, 5_000, 50_000);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
    }

    [Fact]
    public void Build_SimulatedDefaults_YieldsNonTrivialIndex()
    {
        var events = LogSimulator.Generate(new SimulationOptions());

        var result = IndexBuilder.Build(events, new BuildOptions { PruneCompleteNodes = false }, new FixedTimeProvider(DateTimeOffset.UnixEpoch));

        // A few hundred vocabulary queries survive min-count 2 (plus, until the builder filters them, fragments).
        Assert.InRange(result.Summary.QueriesKept, 200, 2000);
        Assert.True(result.Summary.PrefixNodes > result.Summary.QueriesKept, "too few prefix nodes");
        Assert.True(result.Summary.RemovedByMinCount > 0, "Zipf tail should leave some rare queries");
    }

    [Fact]
    public void Generate_TargetEvents_WithinFivePercent()
    {
        var events = LogSimulator.Generate(new SimulationOptions { TargetEvents = 50_000 });

        Assert.InRange(events.Count, 47_500, 52_500);
    }

    [Fact]
    public void Stream_MillionEvents_BufferStaysSmallAndOutputStartsEarly()
    {
        var stats = new SimulationStats();
        long sessionsAtFirstEvent = -1;
        long n = 0;

        foreach (var _ in LogSimulator.Stream(new SimulationOptions { TargetEvents = 1_000_000, Seed = 3 }, stats))
        {
            if (n++ == 0)
            {
                sessionsAtFirstEvent = stats.Sessions;
            }
        }

        // The first event comes out after the first session or so, not after the whole log was generated;
        // the reordering queue only holds the events of sessions still running (a few minutes of traffic).
        Assert.InRange(n, 950_000, 1_050_000);
        Assert.InRange(sessionsAtFirstEvent, 1, 10);
        Assert.InRange(stats.MaxBuffered, 1, n / 100);
    }
}
