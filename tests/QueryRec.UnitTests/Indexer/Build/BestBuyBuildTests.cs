using System.Globalization;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// Builds from the real Best Buy log (read at run time, never copied) and checks q2q, i2q and fragments against
/// expectations computed here by a separate plain parse of the CSV (it has no quoted fields, so a split is exact).
/// </summary>
public sealed class BestBuyBuildTests
{
    private static string SamplePath => SharedData.BestBuyCsv;
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    private static readonly Lazy<List<Row>> Rows = new(() => File.ReadLines(SamplePath).Skip(1).Select(line =>
    {
        var f = line.Split(',');
        return new Row(f[0], f[1], f[3], DateTime.Parse(f[5], CultureInfo.InvariantCulture));
    }).ToList());

    private static List<LogEvent> Events()
    {
        Assert.True(File.Exists(SamplePath), $"The Best Buy sample is missing: expected it at {SamplePath}.");
        using var reader = new StreamReader(SamplePath);
        return [.. EventImporter.ReadItems(ImportFormat.BestBuy, reader).Select(i => i.Event!)];
    }

    private static T? Get<T>(IndexBuild build, string key, Google.Protobuf.MessageParser<T> parser)
        where T : class, Google.Protobuf.IMessage<T>
    {
        var record = build.Records.FirstOrDefault(r => r.Key == key);
        return record.Key is null ? null : parser.ParseFrom(record.Value);
    }

    /// <summary>
    /// Independent q2q support: per user, rows sorted by query time, split at gaps over 30 minutes; each
    /// distinct (query, next different query) pair counts once per session.
    /// </summary>
    private static Dictionary<(string From, string To), int> TransitionSupport()
    {
        var support = new Dictionary<(string, string), int>();
        foreach (var user in Rows.Value.GroupBy(r => r.User))
        {
            var pairs = new HashSet<(string, string)>();
            string? previous = null;
            DateTime last = default;
            foreach (var row in user.OrderBy(r => r.QueryTime))
            {
                var q = QueryNormalizer.Normalize(row.Query);
                if (previous is not null && row.QueryTime - last > TimeSpan.FromMinutes(30))
                {
                    foreach (var p in pairs)
                    {
                        support[p] = support.GetValueOrDefault(p) + 1;
                    }

                    pairs.Clear();
                    previous = null;
                }

                if (previous is not null && previous != q)
                {
                    pairs.Add((previous, q));
                }

                previous = q;
                last = row.QueryTime;
            }

            foreach (var p in pairs)
            {
                support[p] = support.GetValueOrDefault(p) + 1;
            }
        }

        return support;
    }

    [SharedDataFact(SharedData.BestBuyCsvFile)]
    public void Build_BestBuy_Q2qHoldsTheLogsReformulations()
    {
        // Reformulations: a query followed in the same session by a variant that extends it ("mw3" -> "mw3 hardened").
        // The plain parse finds them with their support; each with support >= 3 must be in the source's q2q list
        // with exactly that count.
        var support = TransitionSupport();
        var reformulations = support
            .Where(p => p.Value >= 3 && p.Key.To.StartsWith(p.Key.From + " ", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(reformulations, p => p.Key == ("mw3", "mw3 hardened"));

        var build = IndexBuilder.Build(Events(), new BuildOptions(), Clock).Build;

        foreach (var ((from, to), count) in reformulations)
        {
            var related = Get(build, IndexKeys.Related(from), RelatedQueries.Parser);
            Assert.NotNull(related);
            var entry = Assert.Single(related.Queries, r => r.Text == to);
            Assert.Equal(count, entry.Count);
            Assert.True(entry.Score > 0);
        }

        // Every pair with support >= 3 in the log (reformulation or not) is in q2q with its count.
        foreach (var ((from, to), count) in support.Where(p => p.Value >= 3))
        {
            Assert.Equal(count, Get(build, IndexKeys.Related(from), RelatedQueries.Parser)!.Queries.Single(r => r.Text == to).Count);
        }
    }

    [SharedDataFact(SharedData.BestBuyCsvFile)]
    public void Build_BestBuy_I2qOfThePopularSkuListsItsRealQueries()
    {
        // Plain parse: the sku with the most rows, and its clicks per normalized query (one row = one click).
        // Built with --min-count 1 so that every query is in the vocabulary, except the item-id lists that the
        // numeric rule drops (e.g. "2622037 2127204 …": only digits and spaces), and with the misspelling rule off
        // (it would drop "gear of war 3" beside the 20 times more searched "gears of war 3").
        var top = Rows.Value.GroupBy(r => r.Sku).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        var expected = top
            .GroupBy(r => QueryNormalizer.Normalize(r.Query))
            .Where(g => !g.Key.All(c => char.IsAsciiDigit(c) || c is ' ' or '-'))
            .Select(g => (Text: g.Key, Clicks: (long)g.Count()))
            .OrderByDescending(x => x.Clicks)
            .ThenBy(x => x.Text, StringComparer.Ordinal)
            .Take(20)
            .ToList();

        var build = IndexBuilder.Build(Events(), new BuildOptions { MinCount = 1, MisspellingRatio = 0 }, Clock).Build;

        var i2q = Get(build, IndexKeys.Item(top.Key), ItemQueries.Parser)!;
        Assert.Equal(expected, i2q.Queries.Select(q => (q.Text, q.Clicks)).ToList());
        Assert.All(i2q.Queries, q => Assert.Equal(q.Clicks, q.Weight)); // clicks only: weight = clicks × 1
    }

    [SharedDataFact(SharedData.BestBuyCsvFile)]
    public void Build_BestBuyWithInjectedTypedPrefixes_NoFragmentLeaksIn()
    {
        // The log itself has no fragments (every search was clicked). Inject, before 300 searches (the first row of
        // each (user, query time): later rows repeat the search once per click), the typed prefix of the query
        // (its first 3 characters) 1 s earlier, by the same user, with no click: each is a fragment, and the index
        // must come out byte for byte the same as without them.
        var events = Events();
        var injected = new List<LogEvent>(events.Count + 300);
        var prefixes = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<(string, DateTimeOffset)>();
        var n = 0;
        foreach (var e in events)
        {
            if (e.Type == LogEventType.Search && n < 300 && QueryNormalizer.Normalize(e.Query).Length >= 4 && seen.Add((e.UserId, e.Time)))
            {
                var typed = QueryNormalizer.Normalize(e.Query)[..3];
                var fragment = e with { Query = typed, Time = e.Time.AddSeconds(-1) };
                injected.Add(fragment);
                prefixes.Add(typed);
                n++;
            }

            injected.Add(e);
        }

        var plain = IndexBuilder.Build(events, new BuildOptions { MinCount = 1 }, Clock);
        var result = IndexBuilder.Build(injected, new BuildOptions { MinCount = 1 }, Clock);

        Assert.Equal(0, plain.Summary.Fragments);
        Assert.Equal(300, result.Summary.Fragments);
        var vocabulary = result.Build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.QueryKind).Select(r => r.Key[2..]).ToHashSet(StringComparer.Ordinal);
        var plainVocabulary = plain.Build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.QueryKind).Select(r => r.Key[2..]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(plainVocabulary, vocabulary); // the injected prefixes changed nothing
        // Same q2q and i2q bytes, same counts per query, same prefix-table texts. (Decayed popularity may differ in
        // the last bit: sessions close in a different order, so the floating-point sums add in a different order.)
        static Dictionary<string, string> Kinds(IndexBuild build, params string[] kinds) => build.Records
            .Where(r => kinds.Contains(IndexKeys.KindOf(r.Key)))
            .ToDictionary(r => r.Key, r => r.Key[0] switch
            {
                'q' => QueryStats.Parser.ParseFrom(r.Value).Count.ToString(CultureInfo.InvariantCulture),
                'p' => string.Join('|', PrefixNode.Parser.ParseFrom(r.Value).Completions.Select(c => c.Text)),
                _ => Convert.ToBase64String(r.Value),
            });
        Assert.Equal(Kinds(plain.Build, "q", "p", "r", "it"), Kinds(result.Build, "q", "p", "r", "it"));
    }

    private sealed record Row(string User, string Sku, string Query, DateTime QueryTime);
}
