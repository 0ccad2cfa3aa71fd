using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Core.Matching;
using QueryRec.FunctionalTests.Discover;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Index;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Correction;

/// <summary>
/// A host for Correct and the ALTERNATIVES section: a hand-made index with query statistics, a vocabulary (the typo
/// trie), full-pinyin nodes, mined pairs (c:), related and hot lists.
/// </summary>
public abstract class CorrectionHost() : FakeClockHost(BrowseHost.Now)
{
    internal static IndexBuild BuildIndex()
    {
        var records = new List<IndexRecord>();
        var vocabulary = new List<string>();
        void Stats(string text, long count, string category = "", long zeroResults = 0)
        {
            vocabulary.Add(text);
            records.Add(new IndexRecord(IndexKeys.Query(text), new QueryStats
            {
                Text = text,
                Count = count,
                Popularity = count,
                DistinctUsers = (int)Math.Min(count, 100),
                CategoryHint = category,
                TopCategories = { category.Length > 0 ? [new CategoryShare { Category = category, Clicks = count, Share = 1 }] : Array.Empty<CategoryShare>() },
                SearchesWithResultCount = 10,
                ZeroResultSearches = zeroResults,
            }.ToByteArray()));
        }

        void Pinyin(string key, params (string Text, long Count)[] completions)
        {
            var node = new PrefixNode();
            node.Completions.AddRange(completions.Select(c => new Completion { Text = c.Text, Score = c.Count, Count = c.Count }));
            records.Add(new IndexRecord(IndexKeys.Completions(CompletionTable.PinyinFull, key), node.ToByteArray()));
        }

        void Prefix(string key, params (string Text, long Count)[] completions)
        {
            var node = new PrefixNode();
            node.Completions.AddRange(completions.Select(c => new Completion { Text = c.Text, Score = c.Count, Count = c.Count }));
            records.Add(new IndexRecord(IndexKeys.Prefix(key), node.ToByteArray()));
        }

        Stats("手表", 500, "watches");
        Stats("手机", 800, "phones");
        Stats("智能手表", 300, "watches");
        Stats("headphones", 400, "audio");
        Stats("wireless headphones", 200, "audio");
        Stats("iphone 15", 600, "phones");
        Stats("iphone 15 case", 250, "accessories");
        Stats("assassins creed", 300, "games");
        Stats("assassins creed revelations", 120, "games");
        Stats("gears of war", 900, "games");
        Stats("连衣裙", 100, "dresses");
        Stats("gear of war", 60, "games"); // a rarer close form, but popular in its own right: never corrected
        Stats("headphone stand", 20, "audio");
        Stats("headphone stan", 8, "audio"); // 2.5 times rarer than its close form: under the ratio, not corrected
        Stats("zzz nothing", 50, "", zeroResults: 10);
        Stats("iphone 15 caze", 3, "accessories", zeroResults: 10);

        Pinyin("shouji", ("手机", 800));
        Pinyin("shoubiao", ("手表", 500));
        Prefix("iphone 15", ("iphone 15", 600), ("iphone 15 case", 250));

        // Mined from sessions: "assasin creed" (a zero-result search, not in the index) was followed by the correction.
        records.Add(new IndexRecord(IndexKeys.Correction("assasin creed"), new QueryCorrection
        {
            Text = "assassins creed", Kind = (int)QueryEditKind.Typo, Sessions = 6, SourceSessions = 7, Distance = 2, QueryCount = 7,
        }.ToByteArray()));
        var related = new RelatedQueries();
        related.Queries.Add(new RelatedQuery { Text = "assassins creed revelations", Score = 5, Source = RelatedSource.Q2Q });
        related.Queries.Add(new RelatedQuery { Text = "zzz nothing", Score = 4, Source = RelatedSource.Q2Q });
        records.Add(new IndexRecord(IndexKeys.DiscoveryRelated("assassins creed"), related.ToByteArray()));
        var hot = new RankedQueries();
        hot.Queries.Add(new RankedQuery { Text = "gears of war", Score = 90, Count = 900 });
        hot.Queries.Add(new RankedQuery { Text = "zzz nothing", Score = 80, Count = 50 });
        records.Add(new IndexRecord(IndexKeys.Hot("games"), hot.ToByteArray()));

        var chunk = new VocabularyChunk();
        chunk.Texts.AddRange(vocabulary.Where(t => t != "zzz nothing"));
        records.Add(new IndexRecord(IndexKeys.Vocabulary(0), chunk.ToByteArray()));
        records.Add(new IndexRecord(IndexKeys.Info, new IndexInfo
        {
            MaxPrefixLength = 32, TopK = 10, MaxPinyinPrefixLength = 24, MaxPinyinVariants = 16, VocabularyChunks = 1,
        }.ToByteArray()));
        return IndexBuild.Create("correction-v1", DateTimeOffset.UnixEpoch.AddDays(20000), "correction test index", records);
    }

    /// <summary>Waits until the index is active and its typo trie built, as a deployed server does before it is ready.</summary>
    public async Task ReadyAsync()
    {
        var index = Factory.Services.GetRequiredService<ActiveIndex>();
        for (var i = 0; i < 200 && index.Current is null; i++)
        {
            await Task.Delay(25);
        }

        await index.WhenCurrentReadyAsync();
    }

    protected override Dictionary<string, string?> DefaultSettings() => new(StringComparer.Ordinal)
    {
        ["QueryRec:Realtime:StoreBudget"] = "00:00:05",
        ["QueryRec:Strategies:RecallBudget"] = "00:00:05",
    };
}

/// <summary>Embedded index file.</summary>
public sealed class EmbeddedCorrectionHost : CorrectionHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(BuildIndex());
        return Task.CompletedTask;
    }
}

/// <summary>Index on a real redis-server started for the test class.</summary>
public sealed class RedisCorrectionHost : CorrectionHost
{
    private readonly RedisServerFixture _redis = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => RedisTestIndex.PublishAndConfigureAsync(_redis, BuildIndex(), settings);
}
