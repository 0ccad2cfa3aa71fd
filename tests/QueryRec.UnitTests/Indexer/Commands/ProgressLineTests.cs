using Microsoft.Extensions.Time.Testing;
using QueryRec.Indexer.Commands;

namespace QueryRec.UnitTests.Indexer.Commands;

public sealed class ProgressLineTests
{
    [Fact]
    public void Dispose_StageShorterThanOneInterval_WritesNothing()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();

        using (var progress = new ProgressLine(writer, time, "evaluate: heuristic", 100, "test searches"))
        {
            progress.Add(100);
            time.Advance(TimeSpan.FromSeconds(4));
        }

        Assert.Equal(string.Empty, writer.ToString());
    }

    [Fact]
    public void Tick_AfterOneInterval_WritesDoneTotalRateAndTimeLeft()
    {
        // 50 of 200 in 5 s: 25 %, 10 per second, 150 left at that rate → 15 s.
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        using var progress = new ProgressLine(writer, time, "evaluate: heuristic", 200, "test searches");

        progress.Add(50);
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("evaluate: heuristic: 50 / 200 test searches (25.0 %), 10/s, 5.0 s elapsed, ~15.0 s left" + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void Dispose_AfterALine_WritesTheClosingLine()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();

        using (var progress = new ProgressLine(writer, time, "evaluate: heuristic", 200, "test searches"))
        {
            progress.Add(200);
            time.Advance(TimeSpan.FromSeconds(8));
        }

        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("evaluate: heuristic: 200 test searches in 8.0 s (25/s)", lines[1]);
    }

    [Fact]
    public void Tick_StageWithoutCount_WritesTheElapsedTime()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        using var progress = new ProgressLine(writer, time, "train: fitting");

        time.Advance(TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(
            ["train: fitting: 5.0 s elapsed", "train: fitting: 10.0 s elapsed"],
            writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Tick_StreamOfUnknownLength_WritesTheCountAndRate()
    {
        var time = new FakeTimeProvider();
        using var writer = new StringWriter();
        var progress = new ProgressLine(writer, time, "push-export: subjects", unit: "subjects");

        progress.Add(50);
        time.Advance(TimeSpan.FromSeconds(5));
        progress.Add(50);
        progress.Dispose();

        Assert.Equal(
            ["push-export: subjects: 50 subjects, 10/s, 5.0 s elapsed", "push-export: subjects: 100 subjects in 5.0 s (20/s)"],
            writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
