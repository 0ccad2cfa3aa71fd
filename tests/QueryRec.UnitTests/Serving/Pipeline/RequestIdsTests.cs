using System.Globalization;
using QueryRec.Serving.Pipeline;

namespace QueryRec.UnitTests.Serving.Pipeline;

public sealed class RequestIdsTests
{
    [Fact]
    public void New_IsAVersion7UuidStampedWithTheTime_LikeTheFrameworksOwn()
    {
        var now = new DateTimeOffset(2026, 11, 29, 17, 5, 42, 123, TimeSpan.Zero);

        var id = RequestIds.New(now);

        Assert.Matches("^[0-9a-f]{32}$", id);
        var guid = Guid.ParseExact(id, "N");
        Assert.Equal(7, guid.Version);
        Assert.Equal(0b10, (Guid.ParseExact(id, "N").ToByteArray(bigEndian: true)[8] >> 6));
        // The 48-bit timestamp: the same first 12 digits as the framework's version-7 id for the same instant.
        Assert.Equal(Guid.CreateVersion7(now).ToString("N")[..12], id[..12]);
        Assert.Equal(now.ToUnixTimeMilliseconds(), long.Parse(id[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void New_ManyAtTheSameInstantAreDistinct_AndLaterIdsSortAfterEarlierOnes()
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var ids = Enumerable.Range(0, 200_000).Select(_ => RequestIds.New(now)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(200_000, ids.Count);

        var times = Enumerable.Range(0, 1000).Select(i => now.AddMilliseconds(i * 7)).ToArray();
        var inOrder = times.Select(RequestIds.New).ToArray();
        Assert.Equal(inOrder.Order(StringComparer.Ordinal), inOrder);
    }
}
