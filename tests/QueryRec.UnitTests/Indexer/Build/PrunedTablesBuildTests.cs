using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// Pruned completion tables: a node is written only at the root of its branch or below a cut node (more than top-K
/// matches), and <see cref="CompletionNodes"/> reads a pruned version exactly like an unpruned one.
/// </summary>
public sealed class PrunedTablesBuildTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    /// <summary>Each query searched <c>count</c> times by users private to it.</summary>
    private static BuildResult Build(IEnumerable<(string Query, int Count)> queries, BuildOptions options)
        => IndexBuilder.Build(
            queries.SelectMany(q => Enumerable.Range(0, q.Count).Select(i => new LogEvent(LogEventType.Search, q.Query + "#u" + i, q.Query, T0.AddSeconds(i)))),
            options,
            Clock);

    private static SortedSet<string> Keys(IndexBuild build, CompletionTable table)
    {
        var prefix = IndexKeys.Completions(table, string.Empty);
        return new SortedSet<string>(build.Records.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(r => r.Key[prefix.Length..]), StringComparer.Ordinal);
    }

    private static string[] Texts(IndexBuild build, CompletionTable table, string key)
        => Assert.IsType<PrefixNode>(MatchingTablesBuildTests.Node(build, table, key)).Completions.Select(static c => c.Text).ToArray();

    private static IndexInfo Info(IndexBuild build)
        => IndexInfo.Parser.ParseFrom(build.Records.Single(r => r.Key == IndexKeys.Info).Value);

    private static readonly (string, int)[] Letters = [("abc", 5), ("abd", 4), ("abe", 3), ("xyz", 2), ("xyw", 1)];

    [Fact]
    public void Build_PrefixTable_WritesANodeOnlyAtLengthOneOrBelowACutNode()
    {
        var result = Build(Letters, new BuildOptions { MinCount = 1, TopK = 2, Pinyin = false, Infix = false });

        // "a" and "ab" match three queries (> 2): their children are written; "x" matches two, so "xy", "xyz" and
        // "xyw" hold nothing "x" does not.
        Assert.Equal(["a", "ab", "abc", "abd", "abe", "x"], Keys(result.Build, CompletionTable.Prefix));
        Assert.Equal(6, result.Summary.PrefixNodes);
        Assert.True(Info(result.Build).CompleteNodesPruned);
    }

    [Fact]
    public void Build_CompleteNode_HoldsEveryMatchBestFirst()
    {
        var result = Build(Letters, new BuildOptions { MinCount = 1, TopK = 2, Pinyin = false, Infix = false });

        Assert.Equal(["xyz", "xyw"], Texts(result.Build, CompletionTable.Prefix, "x"));
        Assert.Equal(["abc", "abd"], Texts(result.Build, CompletionTable.Prefix, "ab")); // cut: top 2 of 3
    }

    [Fact]
    public void Build_NoPrune_WritesEveryNode()
    {
        var result = Build(Letters, new BuildOptions { MinCount = 1, TopK = 2, Pinyin = false, Infix = false, PruneCompleteNodes = false });

        Assert.Equal(["a", "ab", "abc", "abd", "abe", "x", "xy", "xyw", "xyz"], Keys(result.Build, CompletionTable.Prefix));
        Assert.False(Info(result.Build).CompleteNodesPruned);
    }

    [Fact]
    public void Build_InfixTable_WritesTheShortestKeyOfEachWordStartBranch()
    {
        var result = Build([("red dress", 2), ("连衣裙", 1)], new BuildOptions { MinCount = 1, TopK = 2, Pinyin = false, MinLatinInfixLength = 2 });

        // Latin keys start at 2 letters ("dr" has no parent key); each hanzi starts a branch of its own.
        Assert.Equal(["dr", "衣", "裙"], Keys(result.Build, CompletionTable.Infix));
    }

    [Fact]
    public void Build_PinyinTables_WriteBelowACutNodeOnly()
    {
        // Three queries read "lian...", two of them "lianyi...": with top-2, "l".."lian" are cut, "liany" is written
        // and complete, "lianyi" is not written.
        var result = Build([("连衣裙", 3), ("连衣", 2), ("脸", 1)], new BuildOptions { MinCount = 1, TopK = 2, Infix = false });
        var full = Keys(result.Build, CompletionTable.PinyinFull);

        Assert.Contains("lian", full);
        Assert.Contains("liany", full);
        Assert.DoesNotContain("lianyi", full);
        Assert.Equal(["连衣裙", "连衣"], Texts(result.Build, CompletionTable.PinyinFull, "liany"));
        Assert.Equal(["l"], Keys(result.Build, CompletionTable.PinyinInitials).Where(k => k.Length == 1));
    }

    [Fact]
    public void Build_PinyinTables_WriteTheKeyWhereOnlyASecondaryReadingStillMatches()
    {
        // 长 reads chang or zhang: below the key where the readings part, the secondary branch scores x0.3, which a
        // server cannot get by filtering the (complete) parent, so that key is written; the primary branch is not.
        var readings = PinyinConverter.Default.Keys("a长", 16);
        var primary = readings.Single(static r => r.SecondaryReadings == 0).Full;
        var secondary = readings.First(static r => r.SecondaryReadings == 1).Full;
        var part = Enumerable.Range(0, Math.Min(primary.Length, secondary.Length)).First(i => primary[i] != secondary[i]) + 1;
        Assert.True(part >= 2, $"the readings {primary} / {secondary} should share the 'a'");

        var result = Build([("a长", 1)], new BuildOptions { MinCount = 1, TopK = 2, Infix = false, PinyinSecondaryWeight = 0.3 });
        var full = Keys(result.Build, CompletionTable.PinyinFull);

        Assert.Contains(primary[..1], full);
        Assert.DoesNotContain(primary[..part], full);
        Assert.Contains(secondary[..part], full);
        Assert.DoesNotContain(secondary[..(part + 1)], full);
        var atRoot = MatchingTablesBuildTests.Node(result.Build, CompletionTable.PinyinFull, primary[..1])!.Completions.Single().Score;
        var onSecondary = MatchingTablesBuildTests.Node(result.Build, CompletionTable.PinyinFull, secondary[..part])!.Completions.Single().Score;
        Assert.Equal(atRoot * 0.3, onSecondary, 9);
    }

    [Fact]
    public async Task ReadNodeAsync_PrunedKey_FiltersTheLongestWrittenAncestor()
    {
        var result = Build(Letters, new BuildOptions { MinCount = 1, TopK = 2, Pinyin = false, Infix = false, Version = "pruned" });
        var (snapshot, info) = await OpenAsync(result.Build);

        var xyw = await CompletionNodes.ReadNodeAsync(snapshot, CompletionTable.Prefix, "xyw", info, default);
        var absent = await CompletionNodes.ReadNodeAsync(snapshot, CompletionTable.Prefix, "xq", info, default);
        var noBranch = await CompletionNodes.ReadNodeAsync(snapshot, CompletionTable.Prefix, "qq", info, default);

        Assert.Equal(["xyw"], xyw!.Completions.Select(static c => c.Text));
        Assert.Null(absent);
        Assert.Null(noBranch);
    }

    [Theory]
    [InlineData(true, "xq", 2)] // absent: the key, then its ancestors in one batch
    [InlineData(true, "xyw", 2)] // pruned: the same two reads find it
    [InlineData(true, "ab", 1)] // written: one read
    [InlineData(false, "xq", 1)] // unpruned version: one read, as before
    [InlineData(true, "xywxywxyw", 1)] // longer than the indexed depth (4): no ancestor read
    public async Task ReadNodeAsync_RoundTrips_AreAtMostTwo(bool prune, string key, int reads)
    {
        var result = Build(Letters, new BuildOptions { MinCount = 1, TopK = 2, MaxPrefixLength = 4, Pinyin = false, Infix = false, PruneCompleteNodes = prune, Version = "v" });
        var (snapshot, info) = await OpenAsync(result.Build);
        var counting = new CountingSnapshot(snapshot);

        await CompletionNodes.ReadNodeAsync(counting, CompletionTable.Prefix, key, info, default);

        Assert.Equal(reads, counting.Reads);
    }

    /// <summary>
    /// Counts the completion-node reads (one per round trip) of a snapshot; with <paramref name="cache"/>, remembers the
    /// nodes read (absent ones too) and tells the ancestor walk what it knows, as the server's near-cache does.
    /// </summary>
    private sealed class CountingSnapshot(IIndexSnapshot inner, bool cache = false) : IIndexSnapshot, ICachedCompletionReader
    {
        private readonly Dictionary<(CompletionTable, string), PrefixNode?> _known = [];

        public int Reads { get; private set; }

        private readonly Dictionary<(CompletionTable, string), PrefixNode?> _resolved = [];

        public bool TryReadCached(CompletionTable table, string key, out PrefixNode? node) => _known.TryGetValue((table, key), out node);

        public bool TryReadResolved(CompletionTable table, string key, out PrefixNode? node) => _resolved.TryGetValue((table, key), out node);

        public void RememberResolved(CompletionTable table, string key, PrefixNode? node)
        {
            if (cache)
            {
                _resolved[(table, key)] = node;
            }
        }

        private async ValueTask<IReadOnlyList<PrefixNode?>> RememberAsync(CompletionTable table, IReadOnlyList<string> keys, ValueTask<IReadOnlyList<PrefixNode?>> read)
        {
            var nodes = await read;
            for (var i = 0; i < keys.Count && cache; i++)
            {
                _known[(table, keys[i])] = nodes[i];
            }

            return nodes;
        }

        public string Version => inner.Version;

        public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default)
        {
            Reads++;
            return inner.GetPrefixNodeAsync(normalizedPrefix, cancellationToken);
        }

        public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default)
        {
            Reads++;
            return inner.GetCompletionNodeAsync(table, key, cancellationToken);
        }

        public ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Reads++;
            return RememberAsync(table, keys, inner.GetCompletionNodesAsync(table, keys, cancellationToken));
        }

        public ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default) => inner.GetVocabularyChunkAsync(chunk, cancellationToken);

        public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetQueryStatsAsync(normalizedQuery, cancellationToken);

        public ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);

        public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRelatedQueriesAsync(normalizedQuery, cancellationToken);

        public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRefinementsAsync(normalizedQuery, cancellationToken);

        public ValueTask<RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetDiscoveryRelatedAsync(normalizedQuery, cancellationToken);

        public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default) => inner.GetItemQueriesAsync(itemId, cancellationToken);

        public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default) => inner.GetHotAsync(category, cancellationToken);

        public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default) => inner.GetTrendingAsync(category, cancellationToken);

        public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default) => inner.GetPinsAsync(cancellationToken);

        public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default) => inner.GetRankingModelAsync(cancellationToken);
    }

    private static async Task<(IIndexSnapshot Snapshot, IndexInfo Info)> OpenAsync(IndexBuild build)
    {
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(build);
        var snapshot = store.OpenSnapshot(build.Version);
        return (snapshot, (await snapshot.GetInfoAsync())!);
    }

    private const string Alphabet = "ab 连衣裙长款";
    private const string PinyinLetters = "lianyiqunchagkuz";

    /// <summary>
    /// For random query sets and typed keys, every table read through <see cref="CompletionNodes"/> on a pruned build
    /// returns the same completions, in the same order, as the node of the same key on an unpruned build: one key at
    /// a time and batched, through the embedded store's in-memory ancestor probe and through the batched ancestor read
    /// of any other store (and again once the filtered nodes are remembered).
    /// </summary>
    [Fact]
    public void ReadNodes_PrunedBuild_MatchesTheUnprunedBuild_Property()
    {
        var query = Gen.String[Gen.Char[Alphabet], 1, 6].Select(QueryNormalizer.Normalize).Where(q => q.Length > 0);
        var queries = Gen.Select(query, Gen.Int[1, 9]).Array[1, 14];
        var typed = Gen.OneOf(Gen.String[Gen.Char[Alphabet], 1, 7], Gen.String[Gen.Char[PinyinLetters], 1, 9]).Array[1, 12];
        var shape = Gen.Select(Gen.Int[1, 3], Gen.Int[2, 5], Gen.Int[3, 8], Gen.Int[1, 2]);
        Gen.Select(queries, typed, shape).Sample(
            sample =>
            {
                var (qs, keys, (topK, maxPrefix, maxPinyin, minLatin)) = sample;
                var options = new BuildOptions
                {
                    MinCount = 1,
                    TopK = topK,
                    MaxPrefixLength = maxPrefix,
                    MaxPinyinPrefixLength = maxPinyin,
                    MaxInfixPrefixLength = maxPrefix,
                    MinLatinInfixLength = minLatin,
                    NumericMinDigits = 0,
                };
                var distinct = qs.DistinctBy(static q => q.Item1, StringComparer.Ordinal).ToArray();
                var pruned = Build(distinct, options with { Version = "pruned" }).Build;
                var full = Build(distinct, options with { Version = "full", PruneCompleteNodes = false }).Build;
                var (prunedSnapshot, prunedInfo) = OpenAsync(pruned).GetAwaiter().GetResult();
                var (fullSnapshot, fullInfo) = OpenAsync(full).GetAwaiter().GetResult();

                // The typed keys, and prefixes of the queries' own keys in each table (so that many lookups match).
                var own = distinct.SelectMany(q => OwnKeys(q.Item1, options)).ToArray();
                foreach (var table in (CompletionTable[])[CompletionTable.Prefix, CompletionTable.PinyinFull, CompletionTable.PinyinInitials, CompletionTable.Infix])
                {
                    var max = table is CompletionTable.PinyinFull or CompletionTable.PinyinInitials ? maxPinyin : maxPrefix;
                    var lookups = keys.Concat(own).Where(static k => k.Length > 0).Select(k => QueryNormalizer.TruncateRunes(k, max)).Distinct(StringComparer.Ordinal).ToList();
                    var batched = CompletionNodes.ReadNodesAsync(prunedSnapshot, table, lookups, prunedInfo, default).AsTask().GetAwaiter().GetResult();
                    // Through a wrapper that is not an in-memory reader: the batched ancestor read (Redis, near-cache).
                    var remote = CompletionNodes.ReadNodesAsync(new CountingSnapshot(prunedSnapshot), table, lookups, prunedInfo, default).AsTask().GetAwaiter().GetResult();
                    // Through a cache that knows part of the nodes, then all of them: the walk asks only for what it lacks.
                    var caching = new CountingSnapshot(prunedSnapshot, cache: true);
                    _ = CompletionNodes.ReadNodesAsync(caching, table, [.. lookups.Where(static (_, j) => j % 2 == 0)], prunedInfo, default).AsTask().GetAwaiter().GetResult();
                    var partly = CompletionNodes.ReadNodesAsync(caching, table, lookups, prunedInfo, default).AsTask().GetAwaiter().GetResult();
                    var readsBefore = caching.Reads;
                    var known = CompletionNodes.ReadNodesAsync(caching, table, lookups, prunedInfo, default).AsTask().GetAwaiter().GetResult();
                    Assert.True(caching.Reads == readsBefore + 1, $"{table}: a read of known keys made {caching.Reads - readsBefore - 1} ancestor round trips");
                    var expected = fullSnapshot.GetCompletionNodesAsync(table, lookups).AsTask().GetAwaiter().GetResult();
                    for (var i = 0; i < lookups.Count; i++)
                    {
                        var single = CompletionNodes.ReadNodeAsync(prunedSnapshot, table, lookups[i], prunedInfo, default).AsTask().GetAwaiter().GetResult();
                        var want = Describe(expected[i]);
                        var context = $"{table} '{lookups[i]}' over [{string.Join(", ", distinct.Select(static q => q.Item1 + "x" + q.Item2))}] top-{topK}";
                        Assert.True(want == Describe(single), $"{context}: single read {Describe(single)}, unpruned {want}");
                        Assert.True(want == Describe(batched[i]), $"{context}: batched read {Describe(batched[i])}, unpruned {want}");
                        Assert.True(want == Describe(remote[i]), $"{context}: batched ancestor read {Describe(remote[i])}, unpruned {want}");
                        Assert.True(want == Describe(partly[i]), $"{context}: read through a partly warm cache {Describe(partly[i])}, unpruned {want}");
                        Assert.True(want == Describe(known[i]), $"{context}: read through a warm cache {Describe(known[i])}, unpruned {want}");
                    }
                }

                Assert.False(fullInfo.CompleteNodesPruned);
                Assert.True(pruned.Records.Count <= full.Records.Count);
            },
            iter: 150);
    }

    private static IEnumerable<string> OwnKeys(string query, BuildOptions options)
    {
        yield return query;
        var set = new HashSet<string>(StringComparer.Ordinal);
        OutputBuilder.InfixKeys(query, options.MaxInfixPrefixLength, options.MinLatinInfixLength, set);
        foreach (var key in set)
        {
            yield return key;
            yield return key + "a";
        }

        foreach (var reading in PinyinConverter.Default.Keys(query, options.MaxPinyinVariants))
        {
            yield return reading.Full;
            yield return reading.Initials;
            yield return reading.Full[..(reading.Full.Length / 2)];
        }
    }

    private static string Describe(PrefixNode? node)
        => node is null ? "(none)" : string.Join("|", node.Completions.Select(static c => $"{c.Text}:{c.Score}"));
}
