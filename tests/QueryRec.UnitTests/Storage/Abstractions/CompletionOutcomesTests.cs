using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Storage.Abstractions;

public sealed class CompletionOutcomesTests
{
    [Theory]
    [InlineData(0.0, 0u)]
    [InlineData(0.75, 7_500u)]
    [InlineData(0.00005, 1u)]
    [InlineData(0.00004, 0u)]
    [InlineData(1.5, 10_000u)]
    [InlineData(-0.2, 0u)]
    [InlineData(double.NaN, 0u)]
    [InlineData(double.PositiveInfinity, 10_000u)]
    public void BasisPoints_RoundsAndClampsToOneUnit(double rate, uint expected)
        => Assert.Equal(expected, CompletionOutcomes.BasisPoints(rate));

    [Theory]
    [InlineData(59.6, 60ul)]
    [InlineData(100.5, 101ul)]
    [InlineData(0.49, 0ul)]
    [InlineData(-3.0, 0ul)]
    [InlineData(double.NaN, 0ul)]
    [InlineData(1e300, 1_000_000_000_000_000ul)]
    public void WholeUnits_RoundsAndClamps(double amount, ulong expected)
        => Assert.Equal(expected, CompletionOutcomes.WholeUnits(amount));

    [Fact]
    public void Rates_ReadBackAsFractions_AndAnOutOfRangeValueFromAnotherWriterIsCappedAtOne()
    {
        var completion = new Completion { CtrBp = CompletionOutcomes.BasisPoints(0.1234), CvrBp = 12_345 };

        Assert.Equal(0.1234, CompletionOutcomes.Ctr(completion), 12);
        Assert.Equal(1.0, CompletionOutcomes.Cvr(completion));
        Assert.Equal(0.0, CompletionOutcomes.Ctr(new Completion()));
    }
}
