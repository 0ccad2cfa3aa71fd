using Google.Protobuf;
using QueryRec.Indexer.Commands;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// The table build on compact structures (serialized completions, keys as spans): the same index as the build that
/// made a message per completion and per node, and records that are protobuf's own serialization.
/// </summary>
public sealed class CompactTablesBuildTests : IDisposable
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Checksums of the same commands run with the indexer of main before the compact structures (commit f8fe500,
    /// Release build, 2026-12-07): a query list and two simulated logs, pruned and not, in one pass and in several.
    /// </summary>
    [Theory]
    [InlineData("--vocabulary 4000 --seed 7", "", "ce772800bff890e2")]
    [InlineData("--vocabulary 4000 --seed 7", "--no-prune --table-partitions 3 --pinyin-secondary-weight 0.3", "280f3ebb1bec7142")]
    [InlineData("--seed 3 --users 300", "", "c2e69bdee9f68933")]
    [InlineData("--seed 11 --users 200", "--table-partitions 5", "9a6328a69f62dbb8")]
    public async Task Cli_SimulateThenBuild_SameChecksumAsBeforeTheCompactStructures(string simulate, string build, string checksum)
    {
        var index = await SimulateAndBuild(simulate, build);

        Assert.Equal(checksum, IndexFile.ReadFile(index).Manifest.Checksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("--no-prune --table-partitions 3 --pinyin-secondary-weight 0.3")]
    public async Task Build_CompletionTableRecords_AreProtobufsSerializationOfTheQueriesCompletions(string build)
    {
        var index = IndexFile.ReadFile(await SimulateAndBuild("--vocabulary 3000 --seed 5", build));
        var stats = index.Records
            .Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.QueryKind)
            .Select(r => QueryStats.Parser.ParseFrom(r.Value))
            .ToDictionary(q => q.Text, StringComparer.Ordinal);
        var weight = build.Contains("0.3", StringComparison.Ordinal) ? 0.3 : new QueryRec.Indexer.Build.BuildOptions().PinyinSecondaryWeight;
        var secondary = 0;
        var nodes = 0;

        foreach (var record in index.Records.Where(r => IndexKeys.KindOf(r.Key) is IndexKeys.PrefixKind or IndexKeys.InfixKind or IndexKeys.PinyinFullKind or IndexKeys.PinyinInitialsKind))
        {
            var node = PrefixNode.Parser.ParseFrom(record.Value);
            Assert.Equal(node.ToByteArray(), record.Value);
            Assert.NotEmpty(node.Completions);
            nodes++;
            foreach (var completion in node.Completions)
            {
                var q = stats[completion.Text];
                Assert.Equal((q.Count, q.DistinctUsers, q.CategoryHint, q.Pinned), (completion.Count, completion.DistinctUsers, completion.CategoryHint, completion.Pinned));
                if (completion.Score != q.Popularity)
                {
                    // A match through a less likely reading: the popularity times the weight per secondary reading.
                    Assert.True(IndexKeys.KindOf(record.Key) is IndexKeys.PinyinFullKind or IndexKeys.PinyinInitialsKind, record.Key);
                    Assert.Contains(Enumerable.Range(1, 16), n => completion.Score == q.Popularity * Math.Pow(weight, n));
                    secondary++;
                }
            }
        }

        Assert.True(nodes > 1000, $"{nodes} nodes");
        Assert.True(secondary > 0, "no completion through a secondary reading: the score patch went untested");
    }

    private async Task<string> SimulateAndBuild(string simulate, string build)
    {
        var list = simulate.StartsWith("--vocabulary", StringComparison.Ordinal);
        var input = Path.Combine(_dir.Path, list ? "vocabulary.tsv" : "events.jsonl");
        var index = Path.Combine(_dir.Path, "index.qrx");
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] simulateArgs = ["simulate", .. simulate.Split(' '), "--output", input];
        string[] buildArgs = ["build", list ? "--queries" : "--input", input, .. build.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--output", index];

        Assert.Equal(0, await IndexerCli.RunAsync(simulateArgs, output, error, Clock));
        Assert.Equal(0, await IndexerCli.RunAsync(buildArgs, output, error, Clock));
        return index;
    }
}
