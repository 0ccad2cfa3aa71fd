using System.Text.Json;
using CsCheck;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class ReplayCeilingsTests : IDisposable
{
    private const double Tolerance = 1e-9;
    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static LogEvent Search(string user, string query, string time)
        => new(LogEventType.Search, user, query, DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Before the split: u1 "ab" twice, u2 "ac". Test: (0) u3 "ac" day 1, (1) u1 "ad" day 1 (new), (2) u4 "ad" day 2,
    /// (3) u1 "ab" day 2 (u1 returns). Period counts: ad 2, ab 1 (2 before), ac 1 (1 before) → order for "a": ad, ab, ac.
    /// </summary>
    private static List<LogEvent> Example() =>
    [
        Search("u1", "ab", "2011-09-29T10:00:00Z"),
        Search("u1", "ab", "2011-09-30T10:00:00Z"),
        Search("u2", "ac", "2011-09-30T11:00:00Z"),
        Search("u3", "ac", "2011-10-01T10:00:00Z"),
        new(LogEventType.Click, "u3", "ac", DateTimeOffset.Parse("2011-10-01T10:00:05Z", System.Globalization.CultureInfo.InvariantCulture), "i1"),
        Search("u9", "   ", "2011-10-01T11:00:00Z"),
        Search("u1", "ad", "2011-10-01T12:00:00Z"),
        Search("u4", "ad", "2011-10-02T10:00:00Z"),
        Search("u1", "AB", "2011-10-02T11:00:00Z"),
    ];

    [Fact]
    public void Compute_HandExample_EachColumnAsWorkedOut()
    {
        var ceilings = ReplayCeilings.Compute(Example(), Split, 10, static s => s);

        Assert.Equal(ReplayCeilings.Names.Order(StringComparer.Ordinal), ceilings.Keys.Order(StringComparer.Ordinal));
        foreach (var cases in ceilings.Values)
        {
            Assert.Equal(["ac", "ad", "ad", "ab"], cases.Select(static c => c.Query));
        }

        // 8 pairs (4 queries × 2 prefixes). Search 1 ("ad", first seen there) scores 0 everywhere: unknown.
        // known:    ac 1,1 | ad 0,0 | ad 1,1 | ab 1,1                                   → 6/8
        // period:   "a" shows [ab, ac] (ad unknown) → ac 1/2, "ac" 1 | 0,0 | [ad ab ac] → 1,1 | ab at "a" 1/2, "ab" 1 → 5/8
        // personal: as period, but u1 (returning) gets ab first at "a"                  → 5.5/8
        // day:      day 1 counts ac 1, ad 1 → "a" [ad, ac, ab] less ad → ac 1 | 0,0 | day 2 ad 1, ab 1 → [ad, ab, ac]: 1,1 and ab 1/2, 1 → 5.5/8
        Assert.Equal(6.0 / 8, Mrr(ceilings[ReplayCeilings.Known]), Tolerance);
        Assert.Equal(5.0 / 8, Mrr(ceilings[ReplayCeilings.Period]), Tolerance);
        Assert.Equal(5.5 / 8, Mrr(ceilings[ReplayCeilings.PeriodPersonal]), Tolerance);
        Assert.Equal(5.5 / 8, Mrr(ceilings[ReplayCeilings.Day]), Tolerance);

        Assert.Equal(["ab", "ac"], ceilings[ReplayCeilings.Period][0].Shown[0]);
        Assert.Equal(["ac", "ab"], ceilings[ReplayCeilings.Day][0].Shown[0]);
        Assert.Equal(["ab", "ad", "ac"], ceilings[ReplayCeilings.PeriodPersonal][3].Shown[0]);
        Assert.Empty(ceilings[ReplayCeilings.Known][1].Shown[0]);
    }

    [Fact]
    public void Compute_FormsWithOneKey_AreOneCandidateWithTheirCountsSummed()
    {
        // Key: spaces removed. Before: "ab" and "ac" once each. Test: "a b" twice, "ab" once, then "ac" twice. Per
        // text, "ac" (2 test searches) would lead "ab" (1) at "a"; per key, ab's 3 lead and "a b"/"ab" show once.
        List<LogEvent> events =
        [
            Search("u1", "ab", "2011-09-30T10:00:00Z"),
            Search("c0", "ac", "2011-09-30T11:00:00Z"),
            Search("u4", "a b", "2011-10-02T10:00:00Z"),
            Search("u5", "a b", "2011-10-02T11:00:00Z"),
            Search("u6", "ab", "2011-10-02T12:00:00Z"),
            Search("c1", "ac", "2011-10-02T13:00:00Z"),
            Search("c2", "ac", "2011-10-02T14:00:00Z"),
        ];

        var ceilings = ReplayCeilings.Compute(events, Split, 10, static s => s.Replace(" ", string.Empty, StringComparison.Ordinal));

        // Search 0 ("a b", not known yet): at "a" the known forms are ab and ac; ab's key leads.
        Assert.Equal(["ab", "ac"], ceilings[ReplayCeilings.Period][0].Shown[0]);

        // Search 2: "a b" is known now and sorts before "ab" (same key, same counts; text order): one form shown.
        Assert.Equal(["a b", "ac"], ceilings[ReplayCeilings.Period][2].Shown[0]);
        var result = ReplayMetrics.Compute(ceilings[ReplayCeilings.Period], 10, 1, static s => s.Replace(" ", string.Empty, StringComparison.Ordinal));
        // At "a": the three ab searches find their key first, the two ac searches second → (3 + 2 × 1/2) / 5.
        Assert.Equal(0.8, result.ByPrefix[0].Mrr10, Tolerance);
    }

    [Fact]
    public void Compute_MaxPrefix_CapsThePrefixes()
    {
        var ceilings = ReplayCeilings.Compute([Search("u1", "abcdef", "2011-09-30T10:00:00Z"), Search("u2", "abcdef", "2011-10-02T10:00:00Z")], Split, 3, static s => s);

        var only = Assert.Single(ceilings[ReplayCeilings.Known]);
        Assert.Equal(3, only.Shown.Count);
        Assert.Equal(["abcdef"], only.Shown[2]);
    }

    [Fact]
    public async Task EvaluateCommand_Ceilings_AreMarkedAndBoundTheRankers()
    {
        // Before: apple ×3, apricot ×2, avocado ×1 (below min count: not indexed). After: avocado, apricot ×2, banana,
        // apple (by u1, who returns).
        var input = _dir.WriteLines(
            "events.jsonl",
            """{"type":"search","user":"u1","query":"apple","time":"2011-09-14T10:00:00Z"}""",
            """{"type":"search","user":"u2","query":"apple","time":"2011-09-14T11:00:00Z"}""",
            """{"type":"search","user":"u3","query":"apple","time":"2011-09-14T12:00:00Z"}""",
            """{"type":"search","user":"u4","query":"apricot","time":"2011-09-14T13:00:00Z"}""",
            """{"type":"search","user":"u5","query":"apricot","time":"2011-09-14T14:00:00Z"}""",
            """{"type":"search","user":"u6","query":"avocado","time":"2011-09-15T14:00:00Z"}""",
            """{"type":"search","user":"u7","query":"avocado","time":"2011-10-02T10:00:00Z"}""",
            """{"type":"search","user":"u8","query":"apricot","time":"2011-10-03T10:00:00Z"}""",
            """{"type":"search","user":"u9","query":"apricot","time":"2011-10-03T11:00:00Z"}""",
            """{"type":"search","user":"u10","query":"banana","time":"2011-10-04T10:00:00Z"}""",
            """{"type":"search","user":"u1","query":"apple","time":"2011-10-05T10:00:00Z"}""");
        var json = _dir.File("out.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--mode", "offline", "--ceilings", "--json", json], output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Contains(ReplayCeilings.Day, output.ToString(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var runs = doc.RootElement.GetProperty("rankers").EnumerateArray().ToList();
        Assert.Equal(["static MPC", "streaming MPC", .. ReplayCeilings.Names], runs.Select(static r => r.GetProperty("name").GetString()));
        Assert.Equal(["ranker", "ranker", "ceiling", "ceiling", "ceiling", "ceiling"], runs.Select(static r => r.GetProperty("kind").GetString()));

        // Every ranker suggests only known queries, so none beats "ceiling: known"; banana (never known) caps it below 1.
        var mrr = runs.ToDictionary(static r => r.GetProperty("name").GetString()!, static r => r.GetProperty("near").GetProperty("overall").GetProperty("mrr10").GetDouble());
        var known = mrr[ReplayCeilings.Known];
        Assert.True(known < 1);
        Assert.All(mrr.Values, v => Assert.True(v <= known + Tolerance, $"{v} > {known}"));

        // 32 pairs: avocado 7, apricot 7 + 7, banana 6, apple 5 — banana's 6 are the only misses.
        Assert.Equal(26.0 / 32, known, Tolerance);

        // The period oracle knows apricot is searched twice in the test: "a"/"ap" show apricot first, which static
        // MPC (apple 3 > apricot 2) does not.
        Assert.True(mrr[ReplayCeilings.Period] > mrr["static MPC"]);
    }

    [Fact]
    public void Compute_AnyLog_ListsHoldOnlyKnownQueriesOncePerKey_AndTheBoundsAreOrdered()
    {
        // Random logs over a small alphabet (many shared prefixes and near-duplicate keys: spaces removed) across a
        // few days on both sides of the split, from a few users (some return).
        var query = Gen.String[Gen.Char["ab "], 1, 5];
        var search = Gen.Select(Gen.Int[0, 5], query, Gen.Int[-72, 72]).Select((user, q, hours) => Search($"u{user}", q, Split.AddHours(hours).AddMinutes(user).ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        static string Key(string s) => s.Replace(" ", string.Empty, StringComparison.Ordinal);

        search.List[1, 40].Sample(log =>
        {
            var events = log.OrderBy(static e => e.Time).ToList();
            var ceilings = ReplayCeilings.Compute(events, Split, 4, Key);

            var tests = events.Where(static e => e.Time >= Split).Select(static e => QueryRec.Core.Normalization.QueryNormalizer.Normalize(e.Query)).Where(static q => q.Length > 0).ToList();
            foreach (var name in ReplayCeilings.Names)
            {
                var cases = ceilings[name];
                Assert.Equal(tests, cases.Select(static c => c.Query));
                for (var i = 0; i < cases.Count; i++)
                {
                    var known = events.Where(e => e.Time < Split).Select(static e => QueryRec.Core.Normalization.QueryNormalizer.Normalize(e.Query)).Concat(tests.Take(i)).ToHashSet(StringComparer.Ordinal);
                    for (var l = 0; l < cases[i].Shown.Count; l++)
                    {
                        var shown = cases[i].Shown[l];
                        var prefix = cases[i].Query[..(l + 1)];
                        Assert.True(shown.Count <= ReplayMetrics.Depth);
                        Assert.All(shown, t => Assert.True(known.Contains(t) && t.StartsWith(prefix, StringComparison.Ordinal), $"{name}: '{t}' for '{prefix}'"));
                        Assert.Equal(shown.Count, shown.Select(Key).Distinct(StringComparer.Ordinal).Count());
                    }
                }
            }

            double M(string name) => ReplayMetrics.Compute(ceilings[name], 4, 1, Key).Overall.Mrr10;
            Assert.True(M(ReplayCeilings.Known) >= M(ReplayCeilings.PeriodPersonal) - Tolerance);
            Assert.True(M(ReplayCeilings.PeriodPersonal) >= M(ReplayCeilings.Period) - Tolerance);
            Assert.True(M(ReplayCeilings.Known) >= M(ReplayCeilings.Day) - Tolerance);
        });
    }

    private static double Mrr(List<ReplayCase> cases) => ReplayMetrics.Compute(cases, 10, 1, static s => s).Overall.Mrr10;
}
