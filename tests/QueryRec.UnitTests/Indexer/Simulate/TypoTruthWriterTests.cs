using QueryRec.Indexer.Import;
using QueryRec.Indexer.Simulate;

namespace QueryRec.UnitTests.Indexer.Simulate;

/// <summary><c>simulate --truth</c>: one line per corrected typo, naming the search that was logged and the one that corrected it.</summary>
public sealed class TypoTruthWriterTests
{
    private static readonly SimulationOptions Small = new() { Users = 300, Days = 3, SessionsPerUser = 3, Seed = 11 };

    [Fact]
    public void Write_EveryCorrectedTypo_IsOneLineOfTwoLoggedSearchesOfItsUser()
    {
        using var log = new MemoryStream();
        using var text = new StringWriter();
        var truth = new TypoTruthWriter(text);

        var stats = LogSimulator.Write(Small, log, null, truth.Observe);

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static l => l.Split('\t')).ToList();
        Assert.Equal(stats.ByRole[(int)SearchRole.Correction], lines.Count);
        Assert.True(lines.Count > 10, $"only {lines.Count} corrected typos");
        var searches = LogSimulator.Generate(Small).Where(static e => e.Type == LogEventType.Search).Select(static e => (e.UserId, e.Query)).ToHashSet();
        Assert.All(lines, f =>
        {
            Assert.NotEqual(f[2], f[3]);
            Assert.Contains((f[1], f[2]), searches);
            Assert.Contains((f[1], f[3]), searches);
        });
    }
}
