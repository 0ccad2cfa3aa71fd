using System.Globalization;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Time;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Time;

/// <summary>Log lines print instants in ISO 8601 (round-trip form), whatever the process culture.</summary>
public sealed class LogDateFormatTests
{
    private static readonly DateTimeOffset Start = new(2011, 9, 19, 19, 12, 0, TimeSpan.Zero);

    [Fact]
    public void ReplayClockOn_WithStart_PrintsTheStartInIso8601()
    {
        var logger = new RecordingLogger();

        WithCulture("en-US", () => ClockLog.ReplayClockOn(logger, Start));

        var message = Assert.Single(logger.Messages);
        Assert.Contains("start 2011-09-19T19:12:00.0000000+00:00)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("09/19/2011", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackgroundStillFailing_PrintsSinceInIso8601()
    {
        var logger = new RecordingLogger();

        WithCulture("en-US", () => BackgroundLog.BackgroundStillFailing(logger, "Index refresh", 3, Start, "timeout"));

        Assert.Contains("since 2011-09-19T19:12:00.0000000+00:00;", Assert.Single(logger.Messages), StringComparison.Ordinal);
    }

    private static void WithCulture(string name, Action action)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        try
        {
            action();
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
