using Google.Protobuf;
using QueryRec.Indexer.Commands;
using QueryRec.Storage;

namespace QueryRec.IntegrationTests.Cluster;

/// <summary>
/// A realistic index for the cluster tests, made once per run by the indexer itself (<c>simulate</c>, then
/// <c>build</c>), so it holds every record kind the builder writes (prefix, infix, pinyin, vocabulary, query stats,
/// related, refinements, items, hot, trending, info), plus a ranking model package.
/// </summary>
internal static class ClusterBuilds
{
    private static readonly Lazy<Task<IndexBuild>> Base = new(MakeAsync);

    /// <summary>The simulated build under <paramref name="version"/> (same records, fresh manifest).</summary>
    public static async Task<IndexBuild> BuildAsync(string version)
    {
        var build = await Base.Value;
        return IndexBuild.Create(version, DateTimeOffset.FromUnixTimeMilliseconds(build.Manifest.CreatedUnixMs), "cluster test " + version, build.Records);
    }

    /// <summary>A ranking model package (the store does not run it, so any bytes do).</summary>
    public static QueryRec.Storage.V1.RankingModelPackage Model(int n)
        => RankingModelPackages.Create("cluster-model-" + n, "features-v1", [.. Enumerable.Range(0, 500 + n).Select(i => (byte)(i * n))], $$"""{"model_version": "cluster-model-{{n}}"}""");

    private static async Task<IndexBuild> MakeAsync()
    {
        var dir = Directory.CreateTempSubdirectory("queryrec-cluster-build-").FullName;
        try
        {
            var events = Path.Combine(dir, "events.jsonl");
            var index = Path.Combine(dir, "index.qrx");
            using var log = new StringWriter();
            Assert.True(0 == await IndexerCli.RunAsync(["simulate", "--output", events, "--users", "150", "--seed", "9"], log, log), log.ToString());
            Assert.True(0 == await IndexerCli.RunAsync(["build", "--input", events, "--output", index, "--version", "cluster-base"], log, log), log.ToString());
            var built = IndexFile.ReadFile(index);
            var records = built.Records.ToList();
            records.Add(new IndexRecord(IndexKeys.Model, Model(0).ToByteArray()));
            return IndexBuild.Create("cluster-base", DateTimeOffset.FromUnixTimeMilliseconds(built.Manifest.CreatedUnixMs), "cluster test", records);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
