using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>The matching tables of a build: infix (x:), pinyin (py:, pi:), vocabulary (v:), completions' top categories.</summary>
public sealed class MatchingTablesBuildTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    /// <summary>n searches of the query by users private to it (no shared session).</summary>
    private static IEnumerable<LogEvent> Searches(string query, int n)
        => Enumerable.Range(0, n).Select(i => new LogEvent(LogEventType.Search, query + "#u", query, T0.AddSeconds(i)));

    private static LogEvent Click(string query, string category, int second)
        => new(LogEventType.Click, query + "#u", query, T0.AddSeconds(100 + second), "sku", category);

    private static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions? options = null)
        => IndexBuilder.Build(events, (options ?? new BuildOptions { MinCount = 1 }) with { PruneCompleteNodes = false }, Clock); // every node: these tests read the table layout

    internal static PrefixNode? Node(IndexBuild build, CompletionTable table, string key)
    {
        var wanted = IndexKeys.Completions(table, key);
        var record = build.Records.FirstOrDefault(r => r.Key == wanted);
        return record.Key is null ? null : PrefixNode.Parser.ParseFrom(record.Value);
    }

    private static string[] Texts(IndexBuild build, CompletionTable table, string key)
        => Node(build, table, key)?.Completions.Select(c => c.Text).ToArray() ?? [];

    private static IndexInfo Info(IndexBuild build)
        => IndexInfo.Parser.ParseFrom(build.Records.Single(r => r.Key == IndexKeys.Info).Value);

    [Fact]
    public void Build_PinyinMatchThroughANonPrimaryReading_RanksBelowAPrimaryOne()
    {
        // 行 reads xing first and hang second: "行人" reaches py:hang only through its second reading.
        Assert.Equal(["xing", "hang"], PinyinConverter.Default.Readings(new System.Text.Rune('行')).Take(2));
        var events = Searches("行人", 10).Concat(Searches("航母", 5)).ToList();

        var weighted = Build(events, new BuildOptions { MinCount = 1, PinyinSecondaryWeight = 0.3 }).Build;
        var unweighted = Build(events, new BuildOptions { MinCount = 1, PinyinSecondaryWeight = 1.0 }).Build;

        // Popularity 10 x 0.3 = 3 < 5 for the primary-reading match; with weight 1 plain popularity decides.
        Assert.Equal(["航母", "行人"], Texts(weighted, CompletionTable.PinyinFull, "hang"));
        Assert.Equal(["行人", "航母"], Texts(unweighted, CompletionTable.PinyinFull, "hang"));
        // Through its primary reading 行人 keeps its full score; through the second one it is worth 0.3 of it.
        var node = Node(weighted, CompletionTable.PinyinFull, "hang")!;
        var xing = Node(weighted, CompletionTable.PinyinFull, "xing")!;
        Assert.Equal(["行人"], xing.Completions.Select(c => c.Text));
        Assert.Equal(0.3 * xing.Completions[0].Score, node.Completions[1].Score, 9);
        Assert.Equal(["航母", "行人"], Texts(weighted, CompletionTable.PinyinInitials, "h"));
    }

    [Fact]
    public void Build_InfixTable_FindsALatinQueryFromItsSecondWord()
    {
        var result = Build(Searches("red dress", 2));

        Assert.Equal(["red dress"], Texts(result.Build, CompletionTable.Infix, "dress"));
        Assert.Equal(["red dress"], Texts(result.Build, CompletionTable.Infix, "dr"));
    }

    [Fact]
    public void Build_InfixTable_HasNoKeyFromTheQueryStartNorOneLatinLetter()
    {
        var result = Build(Searches("red dress", 2));

        Assert.Null(Node(result.Build, CompletionTable.Infix, "red"));
        Assert.Null(Node(result.Build, CompletionTable.Infix, "re"));
        Assert.Null(Node(result.Build, CompletionTable.Infix, "d")); // default: Latin infix keys of >= 2 letters
    }

    [Fact]
    public void Build_InfixTable_FindsAChineseQueryFromEveryLaterCharacter()
    {
        var result = Build(Searches("连衣裙长款", 2));

        Assert.Equal(["连衣裙长款"], Texts(result.Build, CompletionTable.Infix, "长款"));
        Assert.Equal(["连衣裙长款"], Texts(result.Build, CompletionTable.Infix, "长"));
        Assert.Equal(["连衣裙长款"], Texts(result.Build, CompletionTable.Infix, "衣裙长款"));
        Assert.Equal(["连衣裙长款"], Texts(result.Build, CompletionTable.Infix, "款"));
        Assert.Null(Node(result.Build, CompletionTable.Infix, "连"));
        Assert.Null(Node(result.Build, CompletionTable.Infix, "连衣"));
    }

    [Fact]
    public void InfixKeys_ScriptChange_StartsAWordInBothDirections()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);

        OutputBuilder.InfixKeys("手机壳iphone", 8, 2, keys);
        OutputBuilder.InfixKeys("iphone手机壳", 8, 2, keys);

        Assert.Contains("iphone", keys);
        Assert.Contains("手机壳", keys);
        Assert.Contains("壳iphone", keys);
        Assert.DoesNotContain("phone", keys);
        Assert.DoesNotContain("i", keys);
    }

    [Fact]
    public void InfixKeys_LongSuffix_IsCutToTheMaximumLength()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);

        OutputBuilder.InfixKeys("x abcdefghij", 4, 1, keys);

        Assert.Equal(["a", "ab", "abc", "abcd"], keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_InfixTable_ListsAQueryOnceWhenAWordRepeats()
    {
        var result = Build(Searches("dress red dress", 2));

        Assert.Equal(["dress red dress"], Texts(result.Build, CompletionTable.Infix, "dress"));
    }

    [Fact]
    public void Build_InfixTable_KeepsTopKInRankingOrder()
    {
        var events = Searches("red dress", 3).Concat(Searches("blue dress", 5)).Concat(Searches("long dress", 1)).Concat(Searches("dress", 9));

        var result = Build(events, new BuildOptions { MinCount = 1, TopK = 2 });

        Assert.Equal(["blue dress", "red dress"], Texts(result.Build, CompletionTable.Infix, "dress"));
    }

    [Fact]
    public void Build_NoInfix_WritesNoInfixNodeAndZeroInInfo()
    {
        var result = Build(Searches("red dress", 2), new BuildOptions { MinCount = 1, Infix = false });

        Assert.DoesNotContain(result.Build.Records, r => IndexKeys.KindOf(r.Key) == IndexKeys.InfixKind);
        Assert.Equal(0, Info(result.Build).MaxInfixPrefixLength);
        Assert.Equal(0, result.Summary.InfixNodes);
    }

    [Fact]
    public void Build_Info_RecordsTheMatchingOptions()
    {
        var result = Build(Searches("red dress", 2), new BuildOptions { MinCount = 1, MaxPinyinVariants = 5, MaxPinyinPrefixLength = 12, MaxInfixPrefixLength = 6 });

        var info = Info(result.Build);
        Assert.Equal((12, 6, 5, 1), (info.MaxPinyinPrefixLength, info.MaxInfixPrefixLength, info.MaxPinyinVariants, info.VocabularyChunks));
        Assert.False(string.IsNullOrEmpty(info.TextTablesVersion));
    }

    [Fact]
    public void Build_NoPinyin_WritesNoPinyinNodeAndZeroInInfo()
    {
        var result = Build(Searches("连衣裙", 2).Concat(Searches("red dress", 2)), new BuildOptions { MinCount = 1, Pinyin = false });

        Assert.DoesNotContain(result.Build.Records, r => IndexKeys.KindOf(r.Key) is IndexKeys.PinyinFullKind or IndexKeys.PinyinInitialsKind);
        Assert.Equal((0, 0), (Info(result.Build).MaxPinyinPrefixLength, Info(result.Build).MaxPinyinVariants));
    }

    [Fact]
    public void Build_LatinOnlyQueries_AreAbsentFromThePinyinTables()
    {
        var result = Build(Searches("iphone 15", 3).Concat(Searches("lianyiqun", 2)).Concat(Searches("连衣裙", 2)));

        var pinyinRecords = result.Build.Records.Where(r => IndexKeys.KindOf(r.Key) is IndexKeys.PinyinFullKind or IndexKeys.PinyinInitialsKind);
        Assert.All(pinyinRecords, r => Assert.All(PrefixNode.Parser.ParseFrom(r.Value).Completions, c => Assert.Equal("连衣裙", c.Text)));
    }

    [Fact]
    public void Build_PinyinTables_HoldEveryPrefixOfEveryReadingOfTheConverter()
    {
        // Structure check against whatever converter is compiled in: the expected keys come from it.
        string[] queries = ["连衣裙", "重庆火锅", "银行卡", "iphone手机壳", "red dress"];
        var result = Build(queries.SelectMany(q => Searches(q, 2)), new BuildOptions { MinCount = 1, TopK = 10, MaxPinyinPrefixLength = 10 });

        foreach (var q in queries.Where(q => OutputBuilder.HasHanzi(PinyinConverter.Default, q)))
        {
            foreach (var key in PinyinConverter.Default.Keys(q, 16))
            {
                for (var n = 1; n <= Math.Min(10, key.Full.Length); n++)
                {
                    Assert.Contains(q, Texts(result.Build, CompletionTable.PinyinFull, key.Full[..n]));
                }

                for (var n = 1; n <= Math.Min(10, key.Initials.Length); n++)
                {
                    Assert.Contains(q, Texts(result.Build, CompletionTable.PinyinInitials, key.Initials[..n]));
                }
            }
        }

        Assert.All(
            result.Build.Records.Where(r => IndexKeys.KindOf(r.Key) is IndexKeys.PinyinFullKind or IndexKeys.PinyinInitialsKind),
            r => Assert.InRange(r.Key.Length - r.Key.IndexOf(':', StringComparison.Ordinal) - 1, 1, 10));
    }

    [Fact]
    public void PinyinPrefixes_Polyphones_GiveEveryReadingsPrefixesOnce()
    {
        var keys = new List<string>();
        var set = new HashSet<string>(StringComparer.Ordinal);
        PinyinKey[] readings = [new("zhongqing", "zq"), new("chongqing", "cq")];

        OutputBuilder.PinyinPrefixes(readings, initials: false, 5, keys);
        OutputBuilder.PinyinPrefixes(readings, initials: true, 5, set);

        Assert.Equal(["z", "zh", "zho", "zhon", "zhong", "c", "ch", "cho", "chon", "chong"], keys);
        Assert.Equal(["c", "cq", "z", "zq"], set.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_Completions_CarryTopThreeCategoriesBestFirst()
    {
        var events = Searches("red dress", 2).Concat(
        [
            Click("red dress", "skirts", 1),
            Click("red dress", "dresses", 2),
            Click("red dress", "dresses", 3),
            Click("red dress", "dresses", 4),
            Click("red dress", "party", 5),
            Click("red dress", "party", 6),
            Click("red dress", "shoes", 7),
        ]);

        var result = Build(events, new BuildOptions { MinCount = 1, TopCategories = 5 });

        string[] expected = ["dresses", "party", "shoes"]; // 3, 2, then the 1-click tie by name: shoes < skirts
        Assert.Equal(expected, Node(result.Build, CompletionTable.Prefix, "re")!.Completions.Single().TopCategories);
        Assert.Equal(expected, Node(result.Build, CompletionTable.Infix, "dress")!.Completions.Single().TopCategories);
    }

    [Fact]
    public void Build_Vocabulary_IsChunkedInRankingOrderAndCapped()
    {
        var lines = Enumerable.Range(0, 5_003).Select(i => $"q{i:D5}\t{10_000 - i}").ToArray();
        var result = BuildList(lines, new BuildOptions { Infix = false, Pinyin = false, MaxVocabulary = 5_002 });

        var chunks = result.Build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.VocabularyKind).ToDictionary(r => r.Key, r => VocabularyChunk.Parser.ParseFrom(r.Value).Texts.ToArray());
        Assert.Equal(["v:0", "v:1"], chunks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => $"q{i:D5}"), chunks["v:0"]);
        Assert.Equal(["q05000", "q05001"], chunks["v:1"]);
        Assert.Equal(2, Info(result.Build).VocabularyChunks);
    }

    [Fact]
    public void Build_VocabularyMaxZero_WritesNoChunk()
    {
        var result = Build(Searches("red dress", 2), new BuildOptions { MinCount = 1, MaxVocabulary = 0 });

        Assert.DoesNotContain(result.Build.Records, r => IndexKeys.KindOf(r.Key) == IndexKeys.VocabularyKind);
        Assert.Equal(0, Info(result.Build).VocabularyChunks);
    }

    [Theory]
    [InlineData(0, 24, 8, 2, 10, "--pinyin-variants")]
    [InlineData(16, 0, 8, 2, 10, "--max-pinyin-prefix")]
    [InlineData(16, 101, 8, 2, 10, "--max-pinyin-prefix")]
    [InlineData(16, 24, 0, 1, 10, "--max-infix-prefix")]
    [InlineData(16, 24, 4, 5, 10, "--min-latin-infix")]
    [InlineData(16, 24, 8, 2, -1, "--vocabulary-max")]
    public void Validate_MatchingOptionOutOfRange_NamesTheOption(int variants, int pinyinPrefix, int infixPrefix, int minLatin, int vocabulary, string option)
    {
        var options = new BuildOptions { MaxPinyinVariants = variants, MaxPinyinPrefixLength = pinyinPrefix, MaxInfixPrefixLength = infixPrefix, MinLatinInfixLength = minLatin, MaxVocabulary = vocabulary };

        var problem = Assert.Single(options.Validate());

        Assert.StartsWith(option + " must be", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EveryReadingPrefixAndInfixKey_FindsTheQuery_Property()
    {
        // Small hanzi + Latin alphabet with spaces; K above the number of queries, so no node is cut.
        const string Chars = "连衣裙长款重行abx1 ";
        var alphabet = Gen.Int[0, Chars.Length - 1].Select(i => Chars[i]);
        var query = alphabet.Array[1, 9].Select(cs => new string(cs).Trim()).Where(s => s.Length > 0 && !s.Contains("  ", StringComparison.Ordinal));
        query.Array[1, 12].Sample(
            generated =>
            {
                // Normalized first: the tables hold normalized texts, whatever the normalizer does to spaces.
                var queries = generated.Select(QueryNormalizer.Normalize).Where(q => q.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
                var options = new BuildOptions { MinCount = 1, PruneCompleteNodes = false, TopK = 50, MaxPinyinPrefixLength = 24, MaxInfixPrefixLength = 8, MinLatinInfixLength = 2, NumericMinDigits = 0 };
                var build = Build(queries.SelectMany(q => Searches(q, 1)), options).Build;
                foreach (var q in queries)
                {
                    foreach (var key in ExpectedInfixKeys(q, 8, 2))
                    {
                        Assert.Contains(q, Texts(build, CompletionTable.Infix, key));
                    }

                    if (!OutputBuilder.HasHanzi(PinyinConverter.Default, q))
                    {
                        continue;
                    }

                    foreach (var reading in PinyinConverter.Default.Keys(q, options.MaxPinyinVariants))
                    {
                        for (var n = 1; n <= Math.Min(24, reading.Full.Length); n++)
                        {
                            Assert.Contains(q, Texts(build, CompletionTable.PinyinFull, reading.Full[..n]));
                        }

                        for (var n = 1; n <= Math.Min(24, reading.Initials.Length); n++)
                        {
                            Assert.Contains(q, Texts(build, CompletionTable.PinyinInitials, reading.Initials[..n]));
                        }
                    }
                }
            },
            iter: 60);
    }

    /// <summary>The word-start keys, worked out independently on BMP text: starts after a space, at a hanzi, or at a letter/digit after a hanzi.</summary>
    private static IEnumerable<string> ExpectedInfixKeys(string q, int max, int minLatin)
    {
        static bool Han(char c) => c is >= '\u4E00' and <= '\u9FFF';
        for (var i = 1; i < q.Length; i++)
        {
            var start = q[i] != ' ' && (q[i - 1] == ' ' || Han(q[i]) || (Han(q[i - 1]) && char.IsLetterOrDigit(q[i])));
            if (!start)
            {
                continue;
            }

            var suffix = q[i..];
            for (var n = Han(q[i]) ? 1 : minLatin; n <= Math.Min(max, suffix.Length); n++)
            {
                yield return suffix[..n];
            }
        }
    }

    private static BuildResult BuildList(string[] lines, BuildOptions options)
    {
        using var reader = new StringReader(string.Join('\n', lines));
        var list = new QueryListReader(1.0, 1, e => Assert.Fail(e.ToString()));
        return IndexBuilder.BuildFromQueryList(reader, list, options with { MinCount = 1, PruneCompleteNodes = false }, Clock, CancellationToken.None);
    }
}

/// <summary>
/// Hand-known pinyin facts that only the real table-driven converter satisfies (the placeholder knows no hanzi).
/// NOT a test yet: the lead turns the methods into [Fact]s once the real <see cref="PinyinConverter"/> is merged.
/// </summary>
public sealed class PinyinTablesRealConverterChecks
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    /// <summary>
    /// 连衣裙 is found under py:lian, py:lianyi, py:lianyiqun, pi:l, pi:ly, pi:lyq; 重庆 under py:chongqing and py:zhongqing;
    /// 银行 under yinhang and yinxing, once in their shared prefix node.
    /// </summary>
    [Fact]
    public static void Build_HandKnownPinyin_FindsTheChineseQueries()
    {
        var start = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
        LogEvent[] events =
        [
            new(LogEventType.Search, "u1", "连衣裙", start),
            new(LogEventType.Search, "u2", "重庆", start),
            new(LogEventType.Search, "u3", "red dress", start),
            new(LogEventType.Search, "u4", "银行", start),
        ];

        var build = IndexBuilder.Build(events, new BuildOptions { MinCount = 1, PruneCompleteNodes = false }, Clock).Build;

        foreach (var key in new[] { "lian", "lianyi", "lianyiqun" })
        {
            Assert.Equal(["连衣裙"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinFull, key)!.Completions.Select(c => c.Text));
        }

        foreach (var key in new[] { "l", "ly", "lyq" })
        {
            Assert.Equal(["连衣裙"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinInitials, key)!.Completions.Select(c => c.Text));
        }

        Assert.Equal(["重庆"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinFull, "chongqing")!.Completions.Select(c => c.Text));
        Assert.Equal(["重庆"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinFull, "zhongqing")!.Completions.Select(c => c.Text));
        Assert.Equal(["重庆"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinInitials, "cq")!.Completions.Select(c => c.Text));
        Assert.Null(MatchingTablesBuildTests.Node(build, CompletionTable.PinyinFull, "red"));

        // 银行: yinhang and yinxing share "yin": listed once there, and found under both readings.
        Assert.Equal(["银行"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinFull, "yin")!.Completions.Select(c => c.Text));
        Assert.Equal(["银行"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinFull, "yinhang")!.Completions.Select(c => c.Text));
        Assert.Equal(["银行"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinFull, "yinxing")!.Completions.Select(c => c.Text));
        Assert.Equal(["银行"], MatchingTablesBuildTests.Node(build, CompletionTable.PinyinInitials, "yh")!.Completions.Select(c => c.Text));
    }
}
