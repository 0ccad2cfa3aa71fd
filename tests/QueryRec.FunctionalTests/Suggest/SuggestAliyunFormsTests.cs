using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// Aliyun OpenSearch's six input forms for 连衣裙长款 — 连 / lian / lyq / 连yi / 长款连衣 / 连衣群 — plus traditional
/// and full-width input, end to end: the real indexer builds the tables with the real pinyin converter, the
/// index is published to a real redis-server (and served embedded), and Suggest answers through gRPC.
/// </summary>
public sealed class SuggestAliyunFormsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly (string Query, int Searches)[] Vocabulary =
    [
        ("连衣裙长款", 30), ("连衣裙", 60), ("恋爱手册", 25), ("脸盆", 20), ("练习本", 15), ("长款羽绒服", 40),
        ("lianne jewelry", 5), ("lianya shop", 4), ("iphone 15 手机壳", 12), ("red dress", 10),
    ];

    [Theory]
    [InlineData("embedded", "连", Source.Prefix)]
    [InlineData("embedded", "lian", Source.PinyinFull)]
    [InlineData("embedded", "lyq", Source.PinyinInitials)]
    [InlineData("embedded", "连yi", Source.PinyinMixed)]
    [InlineData("embedded", "长款连衣", Source.Infix)]
    [InlineData("embedded", "连衣群", Source.Fuzzy)]
    [InlineData("embedded", "連衣裙長", Source.Prefix)]
    [InlineData("redis", "连", Source.Prefix)]
    [InlineData("redis", "lian", Source.PinyinFull)]
    [InlineData("redis", "lyq", Source.PinyinInitials)]
    [InlineData("redis", "连yi", Source.PinyinMixed)]
    [InlineData("redis", "长款连衣", Source.Infix)]
    [InlineData("redis", "连衣群", Source.Fuzzy)]
    [InlineData("redis", "連衣裙長", Source.Prefix)]
    public async Task EachForm_FindsTheDress_ShownInHanzi(string store, string typed, Source expectedSource)
    {
        using var factory = await HostAsync(store);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = typed });

        var item = Assert.Single(response.Items, i => i.Text == "连衣裙长款");
        Assert.Contains(expectedSource, item.Sources);
        Assert.DoesNotContain(response.Items, i => i.Text.Contains("lianyi", StringComparison.Ordinal));
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
    }

    [Fact]
    public async Task FullWidthLatinAndPinyin_MergeEnglishAndChineseCompletions()
    {
        using var factory = await HostAsync("embedded");
        var client = factory.CreateClient(factory.CreateChannel());

        var lian = await client.SuggestAsync(new SuggestRequest { Prefix = "ＬＩＡＮ" });
        var iphone = await client.SuggestAsync(new SuggestRequest { Prefix = "iphone15sjk" });

        // "lian" completes the English "lianne jewelry" and every query read lian… (连衣裙, 连衣裙长款, 恋爱手册, 脸盆, 练习本).
        Assert.Equal(
            new[] { "lianne jewelry", "lianya shop", "练习本", "恋爱手册", "脸盆", "连衣裙", "连衣裙长款" }.Order(StringComparer.Ordinal),
            lian.Items.Select(i => i.Text).Order(StringComparer.Ordinal));
        Assert.Contains(Source.Prefix, lian.Items.Single(i => i.Text == "lianne jewelry").Sources);

        // Latin runs are kept whole in the initials: iphone + 15 + s(hou) j(i) k(e).
        Assert.Equal("iphone 15 手机壳", Assert.Single(iphone.Items).Text);
    }

    [Fact]
    public async Task InputThatReadsAsPinyin_IsNotTypoCorrected_OtherLatinInputIs()
    {
        using var factory = await HostAsync("embedded");
        var client = factory.CreateClient(factory.CreateChannel());

        // "lianyi" is the pinyin of 连衣…; it is also one substitution from "lianya".
        var pinyin = await client.SuggestAsync(new SuggestRequest { Prefix = "lianyi" });
        // "lianyx" reads as nothing: the typo matcher corrects it to "lianya".
        var typo = await client.SuggestAsync(new SuggestRequest { Prefix = "lianyx" });

        Assert.Equal(["连衣裙", "连衣裙长款"], pinyin.Items.Select(i => i.Text));
        Assert.All(pinyin.Items, i => Assert.DoesNotContain(Source.Fuzzy, i.Sources));
        var corrected = Assert.Single(typo.Items);
        Assert.Equal("lianya shop", corrected.Text);
        Assert.Equal([Source.Fuzzy], corrected.Sources);
    }

    private async Task<QueryRecFactory> HostAsync(string store)
    {
        var time = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var events = Vocabulary.SelectMany(v => Enumerable.Range(0, v.Searches)
            .Select(i => new LogEvent(LogEventType.Search, $"{v.Query}-u{i}", v.Query, time.AddMinutes(i))));
        var build = IndexBuilder.Build(events, new BuildOptions { Version = "aliyun-v1" }, TimeProvider.System).Build;
        var settings = new Dictionary<string, string?>();
        if (store == "redis")
        {
            await RedisTestIndex.PublishAndConfigureAsync(redis, build, settings);
        }
        else
        {
            settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(build);
        }

        var factory = new QueryRecFactory(settings);
        await WaitForFuzzyAsync(factory);
        return factory;
    }

    // The typo-tolerant matcher is built in the background after the version loads; an answer that needed it
    // before then is degraded (source_unavailable:fuzzy). Wait until a probe that needs it is not degraded.
    private static async Task WaitForFuzzyAsync(QueryRecFactory factory)
    {
        var client = factory.CreateClient(factory.CreateChannel());
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var probe = await client.SuggestAsync(new SuggestRequest { Prefix = "zzzzz" });
            if (!probe.Metadata.Degraded)
            {
                return;
            }

            await Task.Delay(100);
        }
    }
}
