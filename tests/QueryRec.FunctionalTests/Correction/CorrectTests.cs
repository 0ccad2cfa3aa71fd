using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Correction;

/// <summary>Correct and the ALTERNATIVES section through a real gRPC channel, on the hand-made index of <see cref="CorrectionHost"/>.</summary>
public abstract class CorrectTests<THost>(THost host)
    where THost : CorrectionHost
{
    private async Task<CorrectResponse> CorrectAsync(string query, int? resultCount = null)
    {
        await host.ReadyAsync();
        var request = new CorrectRequest { Query = query, Stage = Stage.Browsing, Scene = Scene.SearchResult };
        if (resultCount is { } count)
        {
            request.ResultCount = count;
        }

        return await host.Client.CorrectAsync(request);
    }

    [Theory]
    [InlineData("手标", "手表", CorrectionKind.Homophone)]
    [InlineData("shouji", "手机", CorrectionKind.Pinyin)]
    [InlineData("iphone15", "iphone 15", CorrectionKind.Spacing)]
    [InlineData("headphnoes", "headphones", CorrectionKind.Typo)]
    [InlineData("ＩＰＨＯＮＥ　１５", "iphone 15", CorrectionKind.Form)]
    [InlineData("連衣裙", "连衣裙", CorrectionKind.Form)]
    public async Task Correct_EachKind_AnswersTheIntendedQuery(string query, string expected, CorrectionKind kind)
    {
        var response = await CorrectAsync(query);

        Assert.NotNull(response.Correction);
        Assert.Equal(expected, response.Correction.Text);
        Assert.Equal(kind, response.Correction.Kind);
        Assert.InRange(response.Correction.Confidence, 0.6, 1.0);
        Assert.NotEqual(CorrectionAction.Unspecified, response.Correction.Action);
        Assert.Equal("correct-v1", response.Metadata.Strategy);
        Assert.Equal("correction-v1", response.Metadata.IndexVersion);
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task Correct_MinedPair_IsRewrittenAndMarkedMined()
    {
        var response = await CorrectAsync("assasin creed", resultCount: 0);

        Assert.Equal("assassins creed", response.Correction.Text);
        Assert.True(response.Correction.Mined);
        Assert.Equal(CorrectionAction.Rewrite, response.Correction.Action);
    }

    [Fact]
    public async Task Correct_PopularQuery_IsNeverCorrected()
    {
        // "gears of war" is 15 times as searched and one letter away, but "gear of war" is popular in its own right.
        var response = await CorrectAsync("gear of war");

        Assert.Null(response.Correction);
    }

    [Fact]
    public async Task Correct_CloseQueryUnderTheRatio_IsNotCorrected()
    {
        // "headphone stand" is only 2.5 times as searched as "headphone stan" (ratio 5).
        var response = await CorrectAsync("headphone stan");

        Assert.Null(response.Correction);
    }

    [Fact]
    public async Task Correct_KnownQuery_WithoutACloserPopularOne_IsNotCorrected()
    {
        var response = await CorrectAsync("wireless headphones");

        Assert.Null(response.Correction);
    }

    [Theory]
    [InlineData("", null, Stage.Browsing, "query")]
    [InlineData("   ", null, Stage.Browsing, "query")]
    [InlineData("headphones", -1, Stage.Browsing, "result_count")]
    [InlineData("headphones", null, Stage.BeforeSearch, "stage")]
    public async Task Correct_InvalidRequest_IsInvalidArgumentNamingTheField(string query, int? resultCount, Stage stage, string field)
    {
        var request = new CorrectRequest { Query = query, Stage = stage };
        if (resultCount is { } count)
        {
            request.ResultCount = count;
        }

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.CorrectAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(field, Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task Correct_QueryTooLong_IsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.CorrectAsync(new CorrectRequest { Query = new string('a', 257) }));

        Assert.Equal("query", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task Discover_ZeroResultQuery_ShowsAlternativesFirstWithTheCorrectionNeverItselfNorAZeroResultQuery()
    {
        await host.ReadyAsync();

        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Scene = Scene.SearchResult,
            Context = new PageContext { Query = "assasin creed" },
            ResultCount = 0,
        });

        var section = response.Sections[0];
        Assert.Equal(SectionKind.Alternatives, section.Kind);
        var texts = section.Items.Select(static i => i.Text).ToList();
        Assert.Equal("assassins creed", texts[0]);
        Assert.Equal(Reason.TypoCorrected, section.Items[0].Reason);
        Assert.Contains("assassins creed revelations", texts); // related of the corrected form
        Assert.Contains("gears of war", texts);                // hot of its category
        Assert.DoesNotContain("assasin creed", texts);
        Assert.DoesNotContain("zzz nothing", texts);
    }

    [Fact]
    public async Task Discover_ZeroResultQueryInTheIndex_OffersItsCorrectionAndABroaderForm()
    {
        await host.ReadyAsync();

        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Context = new PageContext { Query = "iphone 15 caze" },
            ResultCount = 0,
            Sections = { SectionKind.Alternatives },
        });

        var items = Assert.Single(response.Sections).Items;
        Assert.Equal("iphone 15 case", items[0].Text);
        var broader = Assert.Single(items, i => i.Text == "iphone 15");
        Assert.Equal(Reason.Broader, broader.Reason);
        Assert.DoesNotContain(items, i => i.Text == "iphone 15 caze");
    }

    [Fact]
    public async Task Discover_WithResults_DefaultSectionsLeaveAlternativesOut()
    {
        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Context = new PageContext { Query = "iphone 15" },
            ResultCount = 12,
        });

        Assert.DoesNotContain(response.Sections, s => s.Kind == SectionKind.Alternatives);
        Assert.Contains(response.Sections, s => s.Kind == SectionKind.Related);
    }

    [Fact]
    public async Task Discover_NegativeResultCount_IsInvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.DiscoverAsync(new DiscoverRequest { Stage = Stage.Browsing, ResultCount = -3 }));

        Assert.Equal("result_count", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }
}

public sealed class CorrectEmbeddedTests(EmbeddedCorrectionHost host)
    : CorrectTests<EmbeddedCorrectionHost>(host), IClassFixture<EmbeddedCorrectionHost>;

public sealed class CorrectRedisTests(RedisCorrectionHost host)
    : CorrectTests<RedisCorrectionHost>(host), IClassFixture<RedisCorrectionHost>;
