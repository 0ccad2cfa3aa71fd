using System.Text.Json;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Evaluate;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class ReplayMetricsTests : IDisposable
{
    private const double Tolerance = 1e-9;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static IReadOnlyList<string>[] Lists(params IReadOnlyList<string>[] lists) => lists;

    /// <summary>
    /// A: "ab" (2 runes)   L1 [ax, ab] → rank 2;  L2 [ab] → rank 1.
    /// B: "abc" (3 runes)  L1 [abc] → rank 1 (found at length 1);  L2 [x y z w abc] → rank 5;  L3 [] → absent.
    /// C: "zzzz" (4 runes) L1: ten others, then zzzz 11th → absent (beyond the top 10); L2 [zz]; L3, L4 not given → absent (never found).
    /// </summary>
    private static ReplayCase[] Example() =>
    [
        new("ab", Lists(["ax", "ab"], ["ab"])),
        new("abc", Lists(["abc"], ["x", "y", "z", "w", "abc"], [])),
        new("zzzz", Lists([.. Enumerable.Range(0, 10).Select(i => "z" + i), "zzzz"], ["zz"])),
    ];

    [Fact]
    public void Compute_HandExample_PerPrefixRows()
    {
        var result = ReplayMetrics.Compute(Example());

        // Queries shorter than 10: rows only for L = 1..4 (C is the only query of 4 runes).
        Assert.Equal([1, 2, 3, 4], result.ByPrefix.Select(r => r.PrefixLength));
        Assert.Equal([3L, 3L, 2L, 1L], result.ByPrefix.Select(r => r.Cases));

        // L1: ranks 2, 1, absent → MRR (1/2 + 1 + 0) / 3 = 0.5; @1 1/3 (B); @5 and @10 2/3 (A, B).
        var l1 = result.ByPrefix[0];
        Assert.Equal(0.5, l1.Mrr10, Tolerance);
        Assert.Equal(1.0 / 3, l1.Success1, Tolerance);
        Assert.Equal(2.0 / 3, l1.Success5, Tolerance);
        Assert.Equal(2.0 / 3, l1.Success10, Tolerance);

        // L2: ranks 1, 5, absent → MRR (1 + 1/5 + 0) / 3 = 0.4; @1 1/3 (A); @5 2/3 (A, B).
        var l2 = result.ByPrefix[1];
        Assert.Equal(0.4, l2.Mrr10, Tolerance);
        Assert.Equal(1.0 / 3, l2.Success1, Tolerance);
        Assert.Equal(2.0 / 3, l2.Success5, Tolerance);
        Assert.Equal(2.0 / 3, l2.Success10, Tolerance);

        // L3 (B, C) and L4 (C): nothing found.
        Assert.All(result.ByPrefix.Skip(2), r => Assert.Equal(0, r.Mrr10 + r.Success1 + r.Success5 + r.Success10));
    }

    [Fact]
    public void Compute_HandExample_OverallAndPSaved()
    {
        var result = ReplayMetrics.Compute(Example());

        // Pairs: A 2 + B 3 + C 4 = 9. Reciprocal ranks 1/2 + 1 (A) + 1 + 1/5 (B) = 2.7 → MRR 0.3.
        Assert.Equal(3, result.Queries);
        Assert.Equal(9, result.Overall.Cases);
        Assert.Equal(0, result.Overall.PrefixLength);
        Assert.Equal(0.3, result.Overall.Mrr10, Tolerance);
        Assert.Equal(2.0 / 9, result.Overall.Success1, Tolerance); // A@L2, B@L1
        Assert.Equal(4.0 / 9, result.Overall.Success5, Tolerance); // A@L1, A@L2, B@L1, B@L2
        Assert.Equal(4.0 / 9, result.Overall.Success10, Tolerance);

        // pSaved (k = 1): A first at rank 1 at L2 = its whole length → 0; B at L1 → (3 − 1)/3; C never → 0. Mean 2/9.
        Assert.Equal(1, result.PSavedTopK);
        Assert.Equal(2.0 / 9, result.PSaved, Tolerance);
    }

    [Fact]
    public void Compute_PSavedTopK5_AcceptsLowerRanks()
    {
        // k = 5: A accepted at L1 (rank 2) → (2 − 1)/2; B at L1 → 2/3; C never. Mean (1/2 + 2/3) / 3 = 7/18.
        var result = ReplayMetrics.Compute(Example(), pSavedTopK: 5);

        Assert.Equal(7.0 / 18, result.PSaved, Tolerance);
    }

    [Fact]
    public void Compute_QueryLongerThanMaxPrefix_StopsAtMaxPrefix()
    {
        // 12 runes, shown at rank 1 only for L = 11: beyond the default cap of 10, so never found.
        var lists = Enumerable.Range(1, 12).Select(l => (IReadOnlyList<string>)(l == 11 ? ["abcdefghijkl"] : [])).ToArray();
        var query = new ReplayCase("abcdefghijkl", lists);

        var capped = ReplayMetrics.Compute([query]);
        Assert.Equal(10, capped.ByPrefix.Count);
        Assert.Equal(10, capped.Overall.Cases);
        Assert.Equal(0, capped.Overall.Mrr10);
        Assert.Equal(0, capped.PSaved);

        // With a cap of 12: found at L11 → saved (12 − 11)/12; MRR over 12 pairs = 1/12.
        var wide = ReplayMetrics.Compute([query], maxPrefix: 12);
        Assert.Equal(1.0 / 12, wide.PSaved, Tolerance);
        Assert.Equal(1.0 / 12, wide.Overall.Mrr10, Tolerance);
    }

    [Fact]
    public void Compute_LengthsCountRunes()
    {
        // "手机" is 2 runes; "𠀀a" is 2 runes (3 UTF-16 units). Both found at rank 1 at L1 → saved 1/2 each.
        var result = ReplayMetrics.Compute([new ReplayCase("手机", Lists(["手机"], ["手机"])), new ReplayCase("𠀀a", Lists(["𠀀a"], ["𠀀a"]))]);

        Assert.Equal(2, result.ByPrefix.Count);
        Assert.Equal(0.5, result.PSaved, Tolerance);
        Assert.Equal(1.0, result.Overall.Mrr10, Tolerance);
    }

    [Fact]
    public void Compute_NoCases_IsAllZero()
    {
        var result = ReplayMetrics.Compute([]);

        Assert.Empty(result.ByPrefix);
        Assert.Equal(0, result.Queries);
        Assert.Equal(0, result.Overall.Cases);
        Assert.Equal(0, result.PSaved);
    }

    [Fact]
    public async Task EvaluateCommand_TinyLog_StaticMpcMetrics()
    {
        // Before the split: apple by 3 users, apricot by 2, all on one day (min-count 2 keeps both; apple ranks first).
        // After: apple, apricot, banana (never indexed), and a click (not a test query).
        var input = _dir.WriteLines(
            "events.jsonl",
            """{"type":"search","user":"u1","query":"apple","time":"2011-09-14T10:00:00Z"}""",
            """{"type":"search","user":"u2","query":"apple","time":"2011-09-14T11:00:00Z"}""",
            """{"type":"search","user":"u3","query":"apple","time":"2011-09-14T12:00:00Z"}""",
            """{"type":"search","user":"u4","query":"apricot","time":"2011-09-14T13:00:00Z"}""",
            """{"type":"search","user":"u5","query":"apricot","time":"2011-09-14T14:00:00Z"}""",
            """{"type":"search","user":"u6","query":"Apple","time":"2011-10-02T10:00:00Z"}""",
            """{"type":"search","user":"u7","query":"apricot","time":"2011-10-03T10:00:00Z"}""",
            """{"type":"search","user":"u8","query":"banana","time":"2011-10-04T10:00:00Z"}""",
            """{"type":"click","user":"u6","query":"apple","time":"2011-10-02T10:00:05Z","item":"i1"}""");
        var json = _dir.File("out.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--mode", "static", "--json", json], output, error, new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero)));

        Assert.True(code == 0, error.ToString());
        Assert.Contains("static MPC", output.ToString(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("testSearches").GetInt32());

        // apple (5): rank 1 at every L. apricot (7): rank 2 at "a" and "ap", rank 1 from "apr". banana (6): never.
        // L1: (1 + 1/2 + 0) / 3 = 0.5. Overall: (5 + 1/2 + 1/2 + 5) / (5 + 7 + 6) = 11/18.
        // pSaved: apple (5 − 1)/5, apricot (7 − 3)/7, banana 0 → (0.8 + 4/7) / 3.
        var ranker = Assert.Single(root.GetProperty("rankers").EnumerateArray());
        Assert.Equal("static MPC", ranker.GetProperty("name").GetString());
        foreach (var rule in new[] { "near", "exact" })
        {
            var result = ranker.GetProperty(rule);
            var l1 = result.GetProperty("byPrefix")[0];
            Assert.Equal(1, l1.GetProperty("prefixLength").GetInt32());
            Assert.Equal(0.5, l1.GetProperty("mrr10").GetDouble(), Tolerance);
            Assert.Equal(11.0 / 18, result.GetProperty("overall").GetProperty("mrr10").GetDouble(), Tolerance);
            Assert.Equal(18, result.GetProperty("overall").GetProperty("cases").GetInt64());
            Assert.Equal((0.8 + (4.0 / 7)) / 3, result.GetProperty("pSaved").GetDouble(), Tolerance);
        }
    }

    [Fact]
    public async Task EvaluateCommand_OfflineMode_StreamingMpcCountsTestSearchesAsTheyArrive()
    {
        // Before the split: apple by 3 users, apricot by 2. After: apple, apricot, then banana twice (never indexed).
        var input = _dir.WriteLines(
            "events.jsonl",
            """{"type":"search","user":"u1","query":"apple","time":"2011-09-14T10:00:00Z"}""",
            """{"type":"search","user":"u2","query":"apple","time":"2011-09-14T11:00:00Z"}""",
            """{"type":"search","user":"u3","query":"apple","time":"2011-09-14T12:00:00Z"}""",
            """{"type":"search","user":"u4","query":"apricot","time":"2011-09-14T13:00:00Z"}""",
            """{"type":"search","user":"u5","query":"apricot","time":"2011-09-14T14:00:00Z"}""",
            """{"type":"search","user":"u6","query":"apple","time":"2011-10-02T10:00:00Z"}""",
            """{"type":"search","user":"u7","query":"apricot","time":"2011-10-03T10:00:00Z"}""",
            """{"type":"search","user":"u8","query":"banana","time":"2011-10-04T10:00:00Z"}""",
            """{"type":"search","user":"u9","query":"banana","time":"2011-10-05T10:00:00Z"}""");
        var json = _dir.File("out.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--mode", "offline", "--json", json], output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("streaming MPC", output.ToString(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var rankers = doc.RootElement.GetProperty("rankers");
        Assert.Equal(2, rankers.GetArrayLength());

        // 24 pairs: apple 5 (rank 1), apricot 7 (rank 2 at "a" and "ap", then 1), banana 6 + 6.
        // Static: banana is never shown → (5 + 0.5 + 0.5 + 5) / 24. Streaming: the second banana finds the first one's
        // count at every prefix → (11 + 6) / 24; relative change 17/11 − 1.
        Assert.Equal(11.0 / 24, rankers[0].GetProperty("near").GetProperty("overall").GetProperty("mrr10").GetDouble(), Tolerance);
        Assert.Equal(17.0 / 24, rankers[1].GetProperty("near").GetProperty("overall").GetProperty("mrr10").GetDouble(), Tolerance);
        Assert.Equal((17.0 / 11) - 1, rankers[1].GetProperty("relativeMrr10VsStaticMpc").GetDouble(), Tolerance);
    }

    [Theory]
    [InlineData("--warmup", "seven days")]
    [InlineData("--set", "QueryRec:Trending:MinDistinctUsers")]
    [InlineData("--settings", "missing.json")]
    public async Task EvaluateCommand_BadServiceOption_ExitCode1WithTheOptionNamed(string option, string value)
    {
        var input = _dir.WriteLines("events.jsonl", """{"type":"search","user":"u1","query":"a","time":"2011-09-14T12:45:07Z"}""");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", option, value], output, error);

        Assert.Equal(1, code);
        Assert.Contains(option == "--settings" ? "missing.json" : option, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateCommand_SettingsKeyNotAConfigurationKey_ExitCode1WithFileAndKey()
    {
        var input = _dir.WriteLines("events.jsonl", """{"type":"search","user":"u1","query":"a","time":"2011-09-14T12:45:07Z"}""");
        var settings = _dir.WriteLines("bad.settings.json", "{", """  "QueryRec:Trending:": { "MinDistinctUsers": 1 }""", "}");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--settings", settings], output, error);

        Assert.Equal(1, code);
        Assert.Contains("bad.settings.json", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("MinDistinctUsers", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_NearDuplicateKey_CreditsAnotherFormOfTheQuery()
    {
        var cases = new[] { new ReplayCase("iphone4s", [["ipad", "iphone 4s"]]) };

        var exact = ReplayMetrics.Compute(cases, maxPrefix: 1);
        var near = ReplayMetrics.Compute(cases, maxPrefix: 1, matchKey: QueryRec.Core.Matching.NearDuplicates.Key);

        Assert.Equal(0, exact.Overall.Mrr10);
        Assert.Equal(0.5, near.Overall.Mrr10, Tolerance);
    }

    [Fact]
    public async Task EvaluateCommand_BadSplit_ExitCode1()
    {
        var input = _dir.WriteLines("events.jsonl", """{"type":"search","user":"u1","query":"a","time":"2011-09-14T12:45:07Z"}""");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "yesterday"], output, error);

        Assert.Equal(1, code);
        Assert.Contains("--split", error.ToString(), StringComparison.Ordinal);
    }
}
