using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Evaluate;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Evaluate;

/// <summary>The cases of <c>evaluate --correction</c>: labels from the two texts, the truth file and its bad lines.</summary>
public sealed class CorrectionCasesTests
{
    [Theory]
    [InlineData("手鸡", "手机", CorrectionCases.Homophone)]
    [InlineData("蓝牙耳", "蓝牙耳机", CorrectionCases.HanziDropped)]
    [InlineData("脱洗发水", "防脱洗发水", CorrectionCases.HanziDropped)]
    [InlineData("iphnoe 16", "iphone 16", CorrectionCases.Typo)]
    [InlineData("smartwatchh", "smartwatch", CorrectionCases.Typo)]
    public void Label_ByHowTheTypoWasMade(string typed, string intended, string expected)
        => Assert.Equal(expected, CorrectionCases.Label(typed, intended));

    [Fact]
    public void ReadTruth_KeepsTheCasesFromTheSplitOn()
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path,
        [
            "# time\tuser\ttyped\tintended\tresults",
            "2026-11-05T23:59:59Z\tu1\tiphnoe\tiphone\t0",
            "2026-11-06T00:00:00Z\tu2\t手鸡\t手机\t",
            "2026-11-06T10:00:00Z\tu3\tsmartwacth\tsmartwatch\t7",
        ]);

        var cases = CorrectionCases.ReadTruth(path, new DateTimeOffset(2026, 11, 6, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(
            [new CorrectionCase("u2", "手鸡", "手机", null, CorrectionCases.Homophone), new CorrectionCase("u3", "smartwacth", "smartwatch", 7, CorrectionCases.Typo)],
            cases);
    }

    [Fact]
    public void ReadTruth_BadLine_NamesItsLineNumber()
    {
        var path = Path.GetTempFileName();
        File.WriteAllLines(path, ["# header", "2026-11-06T00:00:00Z\tu1\tiphnoe\tiphone\tmany"]);

        var ex = Assert.Throws<CliUserException>(() => CorrectionCases.ReadTruth(path, DateTimeOffset.MinValue));

        Assert.Contains($"{path}:2:", ex.Message, StringComparison.Ordinal);
    }
}
