using QueryRec.Core.Matching;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// Correction pairs mined from sessions (c:): a query followed in a session by a close, more successful query.
/// </summary>
public sealed class CorrectionPairsBuildTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 1, 6, 10, 0, 0, TimeSpan.Zero));

    /// <summary>A session of one user: each query searched 20 s after the previous, with its result count.</summary>
    private static IEnumerable<LogEvent> Session(int user, params (string Query, int Results)[] searches)
        => searches.Select((s, i) => new LogEvent(LogEventType.Search, "u" + user, s.Query, T0.AddMinutes(user * 60).AddSeconds(20 * i), ResultCount: s.Results));

    private static IEnumerable<LogEvent> Popular(string query, int n, int results = 50, int from = 1000)
        => Enumerable.Range(from, n).SelectMany(u => Session(u, (query, results)));

    private static QueryCorrection? Correction(IndexBuild build, string query)
        => build.Records.Where(r => r.Key == IndexKeys.Correction(query)).Select(r => QueryCorrection.Parser.ParseFrom(r.Value)).SingleOrDefault();

    [Fact]
    public void Build_ZeroResultTypoFollowedByItsCorrection_IsMinedWithItsKindAndCounts()
    {
        var log = Session(1, ("headphnoe", 0), ("headphone", 40))
            .Concat(Session(2, ("headphnoe", 0), ("headphone", 40)))
            .Concat(Session(3, ("手标", 0), ("手表", 30)))
            .Concat(Popular("headphone", 10))
            .Concat(Popular("手表", 10, from: 2000));

        var build = IndexBuilder.Build(log, new BuildOptions(), Clock).Build;

        var typo = Correction(build, "headphnoe");
        Assert.NotNull(typo);
        Assert.Equal("headphone", typo.Text);
        Assert.Equal((int)QueryEditKind.Typo, typo.Kind);
        Assert.Equal(2, typo.Sessions);
        Assert.Equal(2, typo.QueryCount);
        Assert.Equal((int)QueryEditKind.Homophone, Correction(build, "手标")!.Kind);
    }

    [Fact]
    public void Build_FollowedByAFarQueryOrALessSuccessfulOne_MinesNothing()
    {
        var log = Session(1, ("headphone", 40), ("laptop", 40))      // not close
            .Concat(Session(2, ("headphone", 40), ("headphnoe", 0))) // the close one did worse
            .Concat(Popular("headphone", 10))
            .Concat(Popular("laptop", 10, from: 2000));

        var build = IndexBuilder.Build(log, new BuildOptions(), Clock).Build;

        Assert.DoesNotContain(build.Records, r => IndexKeys.KindOf(r.Key) == IndexKeys.CorrectionKind);
    }

    [Fact]
    public void Build_CorrectionMinSessionsZero_MinesNothing()
    {
        var log = Session(1, ("headphnoe", 0), ("headphone", 40)).Concat(Popular("headphone", 10));

        var build = IndexBuilder.Build(log, new BuildOptions { CorrectionMinSessions = 0 }, Clock).Build;

        Assert.Null(Correction(build, "headphnoe"));
    }
}
