using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Telemetry;

namespace QueryRec.FunctionalTests.Telemetry;

/// <summary>
/// Issue 7, the span tree: one Suggest call through a real gRPC channel, captured with the in-memory exporter, has
/// a span per pipeline step under the RPC span, one span per recall source, the attributes operators filter on, and
/// no raw user or device id in any span or log line.
/// </summary>
public sealed class SpanTreeTests(EmbeddedTelemetryHost host) : IClassFixture<EmbeddedTelemetryHost>
{
    private static readonly string[] FirstRoundSources = ["recall.prefix", "recall.history", "recall.trending", "recall.pinyin", "recall.infix"];

    [Fact]
    public async Task Suggest_WithUserId_HasTheSpanTreeAndAttributes()
    {
        var user = "otel-user-" + Guid.NewGuid().ToString("N");
        var device = "otel-device-" + Guid.NewGuid().ToString("N");
        await host.SearchAsync("gears of war 2", userId: user);

        var response = await host.Client.SuggestAsync(new SuggestRequest
        {
            Prefix = "gea",
            UserId = user,
            DeviceId = device,
            Stage = Stage.InSearch,
            Scene = Scene.SearchResult,
        });

        Assert.Equal("gears of war 2", response.Items[0].Text);
        var rpc = host.RpcSpan("Suggest", response.Metadata.RequestId);
        var trace = host.TraceOf(rpc);
        Activity Child(Activity parent, string name) => Assert.Single(trace, s => s.DisplayName == name && s.ParentSpanId == parent.SpanId);
        List<string> ChildNames(Activity parent) => [.. trace.Where(s => s.ParentSpanId == parent.SpanId).Select(static s => s.DisplayName).Order(StringComparer.Ordinal)];

        // The steps, each a child of the RPC span.
        foreach (var step in new[] { "normalize", "recall", "features", "rank", "rerank" })
        {
            Child(rpc, step);
        }

        // One span per first-round source under the recall span, plus the merge; the same under the fallback round
        // (fewer exact matches than the limit: the hand-made index holds 4 queries starting with "gea").
        var recall = Child(rpc, "recall");
        Assert.Equal([.. FirstRoundSources.Append("merge").Order(StringComparer.Ordinal)], ChildNames(recall));
        var fallback = Child(rpc, "recall.fallback");
        Assert.Equal(["merge", "recall.any_order", "recall.fuzzy", "recall.homophone"], ChildNames(fallback));

        // Candidate counts: the user's one matching past query, the 4 prefix completions, 4 after merge.
        Assert.Equal(1, Child(recall, "recall.history").GetTagItem("queryrec.candidates"));
        Assert.Equal(4, Child(recall, "recall.prefix").GetTagItem("queryrec.candidates"));
        Assert.Equal("history", Child(recall, "recall.history").GetTagItem("queryrec.source"));
        Assert.Equal(4, recall.GetTagItem("queryrec.candidates"));
        Assert.Equal(response.Items.Count, rpc.GetTagItem("queryrec.returned"));

        // RPC attributes.
        Assert.Equal("in_search", rpc.GetTagItem("queryrec.stage"));
        Assert.Equal("search_result", rpc.GetTagItem("queryrec.scene"));
        Assert.Equal("none", rpc.GetTagItem("queryrec.arm"));
        Assert.Equal("rt-v1", rpc.GetTagItem("queryrec.index_version"));
        Assert.Equal(response.Metadata.ModelVersion, rpc.GetTagItem("queryrec.model_version"));
        Assert.Equal(response.Metadata.ModelVersion, Child(rpc, "rank").GetTagItem("queryrec.model_version"));
        Assert.Equal(false, rpc.GetTagItem("queryrec.degraded"));
        Assert.Null(rpc.GetTagItem("queryrec.degraded_reason"));
        Assert.Equal("OK", rpc.GetTagItem("queryrec.status"));

        // Hashed ids: 16 hex digits, stable per id, different for the user and the device.
        var userHash = Assert.IsType<string>(rpc.GetTagItem("queryrec.user_hash"));
        var deviceHash = Assert.IsType<string>(rpc.GetTagItem("queryrec.device_hash"));
        Assert.Matches("^[0-9a-f]{16}$", userHash);
        Assert.NotEqual(userHash, deviceHash);
        var again = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ge", UserId = user });
        Assert.Equal(userHash, host.RpcSpan("Suggest", again.Metadata.RequestId).GetTagItem("queryrec.user_hash"));

        // The RPC span hangs under the ASP.NET Core request span of the same trace (which ends after the response).
        await Polling.UntilAsync(() => host.Spans.Any(s => s.SpanId == rpc.ParentSpanId), "the request span", TimeSpan.FromSeconds(10));
        var server = Assert.Single(host.TraceOf(rpc), s => s.SpanId == rpc.ParentSpanId);
        Assert.Equal(ActivityKind.Server, server.Kind);

        AssertNoRawId(host, user, device);
    }

    [Fact]
    public async Task Suggest_InvalidRequest_RpcSpanHasTheStatusAndNoDetail()
    {
        var user = "otel-bad-" + Guid.NewGuid().ToString("N");
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(
            async () => await host.Client.SuggestAsync(new SuggestRequest { Prefix = "", UserId = user }));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);

        // Found by the hash of its user id (the call has no answer, hence no request id).
        var hash = host.Factory.Services.GetRequiredService<QueryRecInstrumentation>().Hash(user);
        var rpc = Assert.Single(host.Spans, s => s.DisplayName == "Suggest" && s.GetTagItem("queryrec.user_hash") as string == hash);
        Assert.Equal("INVALID_ARGUMENT", rpc.GetTagItem("queryrec.status"));
        Assert.Equal(ActivityStatusCode.Error, rpc.Status);
        Assert.Equal("INVALID_ARGUMENT", rpc.StatusDescription);
        AssertNoRawId(host, user, "never-sent");
    }

    [Fact]
    public async Task DiscoverAndShadingWords_HaveRecallRankAndRerankSteps()
    {
        var user = "otel-browse-" + Guid.NewGuid().ToString("N");
        await host.SearchAsync("halo reach", userId: user);

        var discover = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = user, Stage = Stage.BeforeSearch, Scene = Scene.Home });
        var shading = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { UserId = user, Scene = Scene.Home });

        var rpc = host.RpcSpan("Discover", discover.Metadata.RequestId);
        var trace = host.TraceOf(rpc);
        Assert.Equal("before_search", rpc.GetTagItem("queryrec.stage"));
        Assert.Equal("discover-before-search-v1", rpc.GetTagItem("queryrec.strategy"));

        // Three sections (HISTORY, PERSONAL and HOT): each runs recall, rank and rerank; rerank has one child per step.
        Assert.Equal(3, trace.Count(s => s.DisplayName == "recall" && s.ParentSpanId == rpc.SpanId));
        Assert.Equal(3, trace.Count(s => s.DisplayName == "rank" && s.ParentSpanId == rpc.SpanId));
        var reranks = trace.Where(s => s.DisplayName == "rerank" && s.ParentSpanId == rpc.SpanId).Select(static s => s.SpanId).ToHashSet();
        Assert.Equal(3, reranks.Count);
        Assert.Contains(trace, s => s.DisplayName == "rerank.exclude_recent" && reranks.Contains(s.ParentSpanId));
        Assert.Contains(trace, s => s.DisplayName == "rerank.order_last_searched" && reranks.Contains(s.ParentSpanId));
        Assert.Contains(trace, s => s.DisplayName == "normalize" && s.ParentSpanId == rpc.SpanId);

        var shadingRpc = host.RpcSpan("GetShadingWords", shading.Metadata.RequestId);
        var shadingTrace = host.TraceOf(shadingRpc);
        var shadingRecall = Assert.Single(shadingTrace, s => s.DisplayName == "recall" && s.ParentSpanId == shadingRpc.SpanId);
        Assert.Equal(
            ["merge", "recall.category_hot", "recall.hot", "recall.i2q_viewed", "recall.pins", "recall.q2q_recent"],
            shadingTrace.Where(s => s.ParentSpanId == shadingRecall.SpanId).Select(static s => s.DisplayName).Order(StringComparer.Ordinal));
        var shadingRerank = Assert.Single(shadingTrace, s => s.DisplayName == "rerank" && s.ParentSpanId == shadingRpc.SpanId);
        Assert.Equal(
            ["rerank.boost", "rerank.collapse", "rerank.exclude_context_query", "rerank.exclude_recent", "rerank.exposure_cap", "rerank.filter", "rerank.limit", "rerank.mmr", "rerank.order", "rerank.rotate"],
            shadingTrace.Where(s => s.ParentSpanId == shadingRerank.SpanId).Select(static s => s.DisplayName).Order(StringComparer.Ordinal));
        Assert.Equal(shading.Items.Count, shadingRpc.GetTagItem("queryrec.returned"));
        AssertNoRawId(host, user, "never-sent");
    }

    /// <summary>No span name, attribute or event of any captured span, and no log line, holds either raw id.</summary>
    internal static void AssertNoRawId(TelemetryHost host, string user, string device)
    {
        foreach (var span in host.Spans)
        {
            var texts = new List<string> { span.DisplayName, span.StatusDescription ?? string.Empty };
            texts.AddRange(span.TagObjects.Select(static t => t.Key + "=" + t.Value));
            texts.AddRange(span.Events.SelectMany(static e => e.Tags.Select(t => e.Name + ":" + t.Key + "=" + t.Value)));
            foreach (var text in texts)
            {
                Assert.DoesNotContain(user, text, StringComparison.Ordinal);
                Assert.DoesNotContain(device, text, StringComparison.Ordinal);
            }
        }

        foreach (var line in host.Logs.Lines)
        {
            Assert.DoesNotContain(user, line.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(device, line.Text, StringComparison.Ordinal);
        }
    }
}
