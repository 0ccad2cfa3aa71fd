using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Simulate;
using QueryRec.Storage;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>The scale curve's pieces: the vocabulary generator (<c>simulate --vocabulary</c>) and the partitioned table passes.</summary>
public sealed class ScaleBuildTests : IDisposable
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Vocabulary(int size, int seed = 7)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        VocabularyGenerator.Write(Catalog.Default, size, 1.0, seed, writer);
        return writer.ToString();
    }

    private static BuildResult BuildList(string list, int partitions, bool prune, int threads = 1)
    {
        var reader = new QueryListReader(1.0, 1, _ => throw new InvalidOperationException("no bad line expected"));
        using var input = new StringReader(list);
        var options = new BuildOptions { MinCount = 1, TablePartitions = partitions, PruneCompleteNodes = prune, Version = "scale-test", TableThreads = threads };
        return IndexBuilder.BuildFromQueryList(input, reader, options, Clock, CancellationToken.None);
    }

    [Fact]
    public void Write_GivesDistinctNormalizedQueriesWithNonIncreasingZipfCounts()
    {
        var lines = Vocabulary(6000).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(6000, lines.Length);
        var queries = lines.Select(l => l.Split('\t')[0]).ToArray();
        var counts = lines.Select(l => long.Parse(l.Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(queries.Length, queries.Distinct(StringComparer.Ordinal).Count());
        Assert.All(queries, q => Assert.Equal(QueryNormalizer.Normalize(q), q));
        Assert.Equal(6000, counts[0]);
        Assert.Equal(3000, counts[1]);
        Assert.True(counts.Zip(counts.Skip(1)).All(p => p.First >= p.Second));
        Assert.Equal(1, counts[^1]);
        // More queries than the catalog holds: synthesized variants extend catalog queries.
        Assert.True(Catalog.Default.Queries.Length < 6000);
        Assert.Contains(queries, q => q.Any(c => c is >= '\u4E00' and <= '\u9FFF'));
        Assert.Contains(queries, q => q.All(char.IsAscii));
    }

    [Fact]
    public void Threads_DefaultToOnePerProcessor_AndOutOfRangeIsRefused()
    {
        Assert.Equal(Math.Min(Environment.ProcessorCount, BuildOptions.MaxTableThreads), new BuildOptions().TableThreads);
        Assert.Contains(new BuildOptions { TableThreads = 0 }.Validate(), p => p.Contains("--threads", StringComparison.Ordinal));
        Assert.Contains(new BuildOptions { TableThreads = BuildOptions.MaxTableThreads + 1 }.Validate(), p => p.Contains("--threads", StringComparison.Ordinal));
        Assert.DoesNotContain(new BuildOptions { TableThreads = BuildOptions.MaxTableThreads }.Validate(), p => p.Contains("--threads", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_SameSeed_SameBytes_OtherSeed_OtherVariants()
    {
        Assert.Equal(Vocabulary(5000, seed: 3), Vocabulary(5000, seed: 3));
        Assert.NotEqual(Vocabulary(5000, seed: 3), Vocabulary(5000, seed: 4));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Build_MorePartitions_SameRecordsAndChecksum(bool prune)
    {
        var list = Vocabulary(4000);

        var one = BuildList(list, 1, prune);
        var three = BuildList(list, 3, prune);
        var many = BuildList(list, 17, prune);

        // The list gives every table plenty of nodes (hanzi for pinyin, several words for infix).
        foreach (var kind in new[] { "p:", "py:", "pi:", "x:" })
        {
            Assert.True(one.Build.Records.Count(r => r.Key.StartsWith(kind, StringComparison.Ordinal)) > 500, kind);
        }

        foreach (var other in new[] { three, many })
        {
            Assert.Equal(one.Build.Manifest.Checksum, other.Build.Manifest.Checksum);
            Assert.Equal(one.Build.Records.Count, other.Build.Records.Count);
            Assert.True(one.Build.Records.Select(r => r.Key).SequenceEqual(other.Build.Records.Select(r => r.Key)));
            Assert.True(one.Build.Records.Zip(other.Build.Records).All(p => p.First.Value.AsSpan().SequenceEqual(p.Second.Value)));
            Assert.Equal(one.Summary.PrefixNodes, other.Summary.PrefixNodes);
            Assert.Equal(one.Summary.InfixNodes, other.Summary.InfixNodes);
        }
    }

    [Fact]
    public void Build_MorePartitions_SameRecords_WithOneRuneTwoRuneAndSupplementaryQueries()
    {
        // One- and two-rune queries (head keys only, or one key past the head), supplementary-plane hanzi (two chars
        // per rune: the pass of a key is its first two runes, not chars), pinyin that shares its first letters with
        // many others, and Latin words after hanzi (infix word starts). (Emoji do not survive normalization.)
        var extra = new[]
        {
            "a", "b", "中", "𠀀", "ab", "a b", "中国", "𠀀𠀁", "𠀀a", "a𠀀", "𠀀中", "zh", "zhong", "zhongguo",
            "中国移动", "中華", "𠀀𠀁𠀂 iphone", "手机 iphone15", "手机壳", "耳机 蓝牙", "长城", "行长", "重庆火锅", "x", "xy",
        };
        var list = Vocabulary(3000) + string.Concat(extra.Select((q, i) => $"{q}\t{7000 - (i * 37)}\n"));

        var one = BuildList(list, 1, prune: true);
        foreach (var partitions in new[] { 2, 5, 64, BuildOptions.MaxTablePartitions })
        {
            var other = BuildList(list, partitions, prune: true);
            Assert.Equal(one.Build.Manifest.Checksum, other.Build.Manifest.Checksum);
            Assert.True(one.Build.Records.Select(r => r.Key).SequenceEqual(other.Build.Records.Select(r => r.Key)));
        }

        foreach (var key in new[] { "p:a", "p:中", "p:𠀀", "p:ab", "py:z", "py:zh", "pi:z" })
        {
            Assert.True(one.Build.Records.Any(r => r.Key == key), key);
        }
    }

    [Theory]
    [InlineData(2, 7)]
    [InlineData(4, 64)]
    public void Build_PassesOnSeveralThreads_SameRecordsAsOnePass(int threads, int partitions)
    {
        // Hanzi, pinyin (the pinyin tables' per-thread scratch and shared completion clones) and Latin queries.
        var list = Vocabulary(6000);

        var one = BuildList(list, 1, prune: true);
        var parallel = BuildList(list, partitions, prune: true, threads);

        Assert.True(one.Summary.PinyinFullNodes > 1000 && one.Summary.InfixNodes > 1000);
        Assert.Equal(one.Build.Manifest.Checksum, parallel.Build.Manifest.Checksum);
        Assert.Equal(one.Summary.PrefixNodes + one.Summary.PinyinFullNodes + one.Summary.PinyinInitialsNodes + one.Summary.InfixNodes, parallel.Summary.PrefixNodes + parallel.Summary.PinyinFullNodes + parallel.Summary.PinyinInitialsNodes + parallel.Summary.InfixNodes);
    }

    [Fact]
    public void TablePartition_KeysOfTwoRunesOrMore_ShareTheirSourcesPass_OneRuneKeysGoToTheHead()
    {
        const int Count = 16;
        string[] sources = ["zhongguo", "zhang", "zh", "z", "𠀀𠀁x", "𠀀", "😀a", "中国", "a", ""];
        foreach (var source in sources)
        {
            var pass = TablePartition.Of(source, 0, Count);
            Assert.Equal(QueryNormalizer.RuneCount(source) >= 2, pass >= 0);
            var prefixes = QueryNormalizer.IndexedPrefixes(source, 24).ToArray();
            for (var runes = 1; runes <= prefixes.Length; runes++)
            {
                var key = prefixes[runes - 1];
                // The key's own pass (as a source) is the source's: a key and all its longer prefixes go together.
                Assert.Equal(runes >= 2 ? pass : -1, TablePartition.Of(key, 0, Count));
                var holders = Enumerable.Range(0, Count).Select(i => new TablePartition(i, Count)).Append(TablePartition.Head(Count))
                    .Where(p => runes >= p.MinRunes && runes <= p.MaxRunes(24) && p.Holds(source, 0))
                    .ToArray();
                Assert.Equal(runes == 1 ? TablePartition.Head(Count) : new TablePartition(pass, Count), Assert.Single(holders));
            }
        }

        // The passes spread: pinyin starting with the same letter no longer lands in one pass.
        var zPasses = new[] { "za", "zh", "zi", "zo", "zu", "ze", "zy", "zz" }.Select(s => TablePartition.Of(s, 0, Count)).Distinct().Count();
        Assert.True(zPasses >= 4, $"z-keys in {zPasses} passes");
    }

    [Fact]
    public void PackedPinyinKeys_RoundTripsEveryReadingAndLevel()
    {
        var converter = QueryRec.Core.Matching.PinyinConverter.Default;
        string[] texts = ["重庆火锅", "行长 长城", "iphone15 手机壳", "𠀀中😀", "銀行", "a中b"];
        var all = new List<QueryRec.Core.Matching.PinyinKey>();
        foreach (var text in texts)
        {
            var readings = converter.Keys(text, 16);
            Assert.NotEmpty(readings);
            var packed = PackedPinyinKeys.Pack(readings);

            packed.Unpack(all, initials: false);
            Assert.Equal(readings.Select(r => (r.Full, r.SecondaryReadings)), all.Select(r => (r.Full, r.SecondaryReadings)));
            packed.Unpack(all, initials: true);
            Assert.Equal(readings.Select(r => (r.Initials, r.SecondaryReadings)), all.Select(r => (r.Initials, r.SecondaryReadings)));
        }

        // A lone surrogate cannot be UTF-8: such readings are kept as they are.
        var odd = new[] { new QueryRec.Core.Matching.PinyinKey("ab\uD800", "a\uD800") { SecondaryReadings = 3 } };
        PackedPinyinKeys.Pack(odd).Unpack(all, initials: false);
        Assert.Equal(odd, all);
    }

    [Theory]
    [InlineData(1, 1L << 30)]
    [InlineData(5, 200_000L)]
    public void Build_StreamedToFile_SameBytesAsInMemoryBuild(int partitions, long runBytes)
    {
        var list = Vocabulary(3000);
        var options = new BuildOptions { MinCount = 1, TablePartitions = partitions, Version = "scale-test" };
        var path = Path.Combine(_dir.Path, "streamed.qrx");

        var inMemory = IndexBuilder.BuildFromQueryList(new StringReader(list), new QueryListReader(1.0, 1, _ => { }), options, Clock, CancellationToken.None);
        int runs;
        BuildSummary streamed;
        using (var writer = new IndexFileWriter(path, runBytes))
        {
            (_, streamed) = IndexBuilder.BuildFromQueryList(new StringReader(list), new QueryListReader(1.0, 1, _ => { }), options, Clock, writer, CancellationToken.None);
            runs = writer.Runs;
        }

        using var expected = new MemoryStream();
        IndexFile.Write(inMemory.Build, expected);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(inMemory.Summary.Checksum, streamed.Checksum);
        Assert.Equal(inMemory.Summary.TotalRecords, streamed.TotalRecords);
        Assert.Equal(runBytes < 1_000_000, runs > 1);
    }

    [Fact]
    public void Build_Refinements_SameAsTextScanReference()
    {
        // The simulated mix, plus common words whose supersets are rare and late in score order, so that the
        // 2,000-candidate scan limit decides which refinements are found.
        var lines = new List<string>(Vocabulary(6000).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        for (var i = 0; i < 3000; i++)
        {
            lines.Add($"alpha b{i}\t{5000 + i}");
            lines.Add($"gamma d{i}\t{4000 + i}");
        }

        lines.Add("alpha gamma early\t100000");
        for (var j = 0; j < 40; j++)
        {
            lines.Add($"alpha gamma late{j}\t{1 + j}");
        }

        lines.Add("alpha gamma\t2");
        var result = BuildList(string.Join('\n', lines) + "\n", 0, prune: true);

        var stats = result.Build.Records
            .Where(r => r.Key.StartsWith(IndexKeys.Query(string.Empty), StringComparison.Ordinal))
            .Select(r => QueryRec.Storage.V1.QueryStats.Parser.ParseFrom(r.Value))
            .ToArray();
        var expected = ReferenceRefinements(stats, IndexBuilder.RefinementScanLimit, new BuildOptions().RefinementTop);
        var actual = result.Build.Records
            .Where(r => r.Key.StartsWith(IndexKeys.Refinements(string.Empty), StringComparison.Ordinal))
            .ToDictionary(
                r => r.Key[IndexKeys.Refinements(string.Empty).Length..],
                r => QueryRec.Storage.V1.RelatedQueries.Parser.ParseFrom(r.Value).Queries.Select(q => q.Text).ToArray(),
                StringComparer.Ordinal);

        Assert.Equal(expected.Count, actual.Count);
        Assert.All(expected, e => Assert.Equal(e.Value, actual[e.Key]));
        // The scan limit mattered: "alpha gamma" finds the early superset but not the late ones.
        Assert.Contains("alpha gamma early", actual["alpha gamma"]);
        Assert.DoesNotContain(actual["alpha gamma"], t => t.StartsWith("alpha gamma late", StringComparison.Ordinal));
        Assert.True(actual.Count > 1000);
    }

    /// <summary>
    /// Refinements as first written (docs/indexer-build.md): scan the rarest word's queries in score order, at most
    /// <paramref name="scanLimit"/>, keeping word supersets with more words (by their text); then, for a query ending
    /// with a CJK character, the queries that start with it (in text order, at most the limit); best score first.
    /// </summary>
    private static Dictionary<string, string[]> ReferenceRefinements(QueryRec.Storage.V1.QueryStats[] queries, int scanLimit, int top)
    {
        static double Score(QueryRec.Storage.V1.QueryStats q) => q.Popularity * (1 + Math.Min(q.Ctr, 1));
        static bool HasWord(string text, string word) => text.Split(' ').Contains(word, StringComparer.Ordinal);
        var byScore = queries.OrderByDescending(Score).ThenBy(q => q.Text, StringComparer.Ordinal).ToArray();
        var byText = queries.Select(q => q.Text).Order(StringComparer.Ordinal).ToArray();
        var ofText = queries.ToDictionary(q => q.Text, StringComparer.Ordinal);
        var withWord = byScore
            .SelectMany(r => r.Text.Split(' ').Distinct(StringComparer.Ordinal).Select(w => (Word: w, Query: r)))
            .GroupBy(p => p.Word, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Query).ToArray(), StringComparer.Ordinal);
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var q in queries)
        {
            var words = q.Text.Split(' ').Distinct(StringComparer.Ordinal).ToArray();
            var rarest = words.Select(w => withWord[w]).MinBy(l => l.Length)!;
            var found = rarest
                .Take(scanLimit)
                .Where(r => r.Text != q.Text && r.Text.Split(' ').Length > q.Text.Split(' ').Length && words.All(w => HasWord(r.Text, w)))
                .Take(top)
                .ToList();
            var last = q.Text[^1];
            if (last is >= '\u2E80' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF')
            {
                var lo = Array.BinarySearch(byText, q.Text, StringComparer.Ordinal);
                foreach (var t in byText.Skip(lo).Take(scanLimit).TakeWhile(t => t.StartsWith(q.Text, StringComparison.Ordinal)))
                {
                    if (t.Length > q.Text.Length && found.All(f => f.Text != t))
                    {
                        found.Add(ofText[t]);
                    }
                }
            }

            if (found.Count > 0)
            {
                result[q.Text] = [.. found.OrderByDescending(Score).ThenBy(r => r.Text, StringComparer.Ordinal).Take(top).Select(r => r.Text)];
            }
        }

        return result;
    }

    [Fact]
    public async Task Cli_SimulateVocabularyThenBuildQueries_BuildsEveryQuery()
    {
        var list = Path.Combine(_dir.Path, "vocab.tsv");
        var index = Path.Combine(_dir.Path, "vocab.qrx");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var simulated = await IndexerCli.RunAsync(["simulate", "--vocabulary", "3000", "--seed", "5", "--output", list], output, error, Clock);
        // The vocabulary lists spacing twins of one query (太平鸟连衣裙 红色 / 太平鸟 连衣裙 红色), which the misspelling
        // rule folds; every query must reach the partitioned tables, so it is off here.
        var built = await IndexerCli.RunAsync(["build", "--queries", list, "--table-partitions", "4", "--misspelling-ratio", "0", "--output", index], output, error, Clock);

        Assert.Equal((0, 0), (simulated, built));
        Assert.Equal(3000, File.ReadAllLines(list).Length);
        var build = IndexFile.ReadFile(index);
        Assert.Equal(3000, build.Records.Count(r => r.Key.StartsWith(IndexKeys.Query(string.Empty), StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10000001")]
    public async Task Cli_SimulateVocabularyOutOfRange_ExitCode1(string size)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["simulate", "--vocabulary", size, "--output", Path.Combine(_dir.Path, "v.tsv")], output, error, Clock);

        Assert.Equal(1, code);
        Assert.Contains("--vocabulary must be from 1 to 10,000,000", error.ToString(), StringComparison.Ordinal);
    }
}
