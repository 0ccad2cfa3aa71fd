using System.Diagnostics;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;
using StackExchange.Redis;

namespace QueryRec.FunctionalTests.EndToEnd;

/// <summary>
/// A real crash: the indexer process is killed (SIGKILL) while it writes a large version to Redis. The
/// server must keep serving the previous version, unchanged.
/// </summary>
public sealed class PublishProcessKilledTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly Dictionary<string, long> Small = new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 30, ["gears of war"] = 20, ["halo reach"] = 10,
    };

    [Fact]
    public async Task Publish_IndexerProcessKilledWhileWriting_ServerKeepsServingPreviousVersion()
    {
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        var store = new RedisIndexStore(redis.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix });
        await store.PublishAsync(TestIndexes.FromQueries("small-v1", Small));
        using var factory = QueryRecFactory.Redis(redis.ConnectionString, keyPrefix, TimeSpan.FromMilliseconds(50), storeBudget: TimeSpan.FromSeconds(2));
        var client = factory.CreateClient(factory.CreateChannel());
        Assert.Equal("small-v1", (await client.SuggestAsync(new SuggestRequest { Prefix = "g" })).Metadata.IndexVersion);

        // A version large enough, written one command at a time (--batch-size 1), that the publish is still
        // writing when it is killed: ~20k queries, ~120k records.
        var big = TestIndexes.FromQueries("big-v2", Enumerable.Range(0, 20_000).ToDictionary(i => $"gadget {i:D6} pro", i => (long)(i % 97) + 1));
        var path = QueryRecFactory.WriteTempIndex(big);
        // The publisher writes the bucket directory first, then the text table and the buckets (small ones here, one
        // write at a time, so there are many), validates, writes the manifest, flips.
        var directoryKey = (RedisKey)$"{keyPrefix}idx:big-v2:dir";
        var manifestKey = (RedisKey)$"{keyPrefix}idx:big-v2:manifest";
        var firstRecordKey = (RedisKey)$"{keyPrefix}idx:big-v2:b:0";

        using var publisher = StartIndexer(
            "publish", "--index", path, "--redis", redis.ConnectionString, "--key-prefix", keyPrefix, "--batch-size", "1", "--bucket-bytes", "256");
        var db = redis.Redis.GetDatabase();
        var deadline = Stopwatch.StartNew();
        while (!await db.KeyExistsAsync(directoryKey))
        {
            Assert.False(publisher.HasExited, $"The publisher exited (code {(publisher.HasExited ? publisher.ExitCode : 0)}) before writing.");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "The publisher never started writing.");
            await Task.Delay(5);
        }

        await Task.Delay(200); // let it write some records
        publisher.Kill(entireProcessTree: true);
        await publisher.WaitForExitAsync();

        Assert.True(await db.KeyExistsAsync(firstRecordKey), "The publisher was killed before writing any record.");
        Assert.False(await db.KeyExistsAsync(manifestKey), "The publish got to its manifest before it was killed; the test proves nothing.");
        await Task.Delay(300); // several poll intervals
        Assert.Equal("small-v1", await store.GetActiveVersionAsync());
        foreach (var prefix in new[] { "g", "gears", "h" })
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = prefix });
            Assert.Equal("small-v1", response.Metadata.IndexVersion);
            Assert.Equal(TestIndexes.ExpectedTop(Small, prefix, 10), response.Items.Select(i => i.Text));
        }
    }

    private static Process StartIndexer(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "QueryRec.Indexer.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the indexer.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine(); // drain the pipes so the child never blocks on them
        process.BeginErrorReadLine();
        return process;
    }
}
