using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// Per-call buffers (pooled feature and score buffers of the learned ranker, the typo matcher's per-thread working
/// memory) must not leak between concurrent calls: many concurrent Suggest calls give exactly the answers of the same
/// calls made one at a time. The response cache is off, so every call runs the whole pipeline.
/// </summary>
public sealed class SuggestConcurrencyTests : IDisposable
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 120,
        ["gears of war"] = 80,
        ["gears of war 2"] = 45,
        ["gear head"] = 45,
        ["geforce gtx"] = 30,
        ["geforce rtx 3080"] = 25,
        ["halo reach"] = 200,
        ["halo 3"] = 150,
        ["halo infinite"] = 70,
        ["red dress"] = 66,
        ["dress red long"] = 12,
        ["手机"] = 90,
        ["手机壳"] = 60,
        ["手表"] = 20,
        ["连衣裙"] = 88,
        ["连衣裙长款"] = 40,
    };

    // Exact, thin, typo (1 and 2 edits), any-order, pinyin, infix and hanzi inputs: every scratch buffer is used.
    private static readonly string[] Prefixes =
        ["ge", "gea", "gears of", "gaers", "gears fo war", "hal", "halo", "hlao", "dress", "dress red", "sj", "shouji", "lianyiqun", "手", "手机", "长款", "连衣群", "geforce rtx"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-conc-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Suggest_ManyConcurrentCalls_AnswerAsTheSameCallsOneAtATime()
    {
        var model = RankingTestModels.TrainSynthetic(_dir.FullName);
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-conc-1", Counts));
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = index,
            ["QueryRec:Ranking:Model:Path"] = model,
            ["QueryRec:Suggest:ResponseCache:Enabled"] = "false",
        });
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.UntilAsync(
            () => client.Suggest(new SuggestRequest { Prefix = "ge" }).Metadata.ModelVersion != "heuristic-v1", "the model", TimeSpan.FromSeconds(30));

        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var prefix in Prefixes)
        {
            expected[prefix] = Answer(await client.SuggestAsync(new SuggestRequest { Prefix = prefix }));
        }

        Assert.Contains(expected.Values, a => a.Length > 0);
        var calls = Enumerable.Range(0, 16).SelectMany(_ => Prefixes).Select(p => (Prefix: p, Task: Task.Run(async () =>
            Answer(await client.SuggestAsync(new SuggestRequest { Prefix = p }))))).ToList();
        await Task.WhenAll(calls.Select(static c => c.Task));

        Assert.All(calls, c => Assert.Equal(expected[c.Prefix], c.Task.Result));
    }

    /// <summary>The answer without the per-call request id: items with their scores, sources and reasons, and the metadata.</summary>
    private static string Answer(SuggestResponse response)
    {
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
        response.Metadata.RequestId = string.Empty;
        return response.ToString();
    }
}
