using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Ranking;

namespace QueryRec.FunctionalTests.Experiments;

/// <summary>Arms change what a caller is served, through the real gRPC channel; callers without an id get the base configuration.</summary>
public sealed class ExperimentServingTests(ExperimentServingHost host) : IClassFixture<ExperimentServingHost>
{
    private static Metadata Header(string value) => new() { { "x-queryrec-arm", value } };

    [Fact]
    public async Task Suggest_ArmTurningFuzzyOff_LosesTheTypoMatch()
    {
        var control = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "iphoke" });
        var arm = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "iphoke", UserId = "alice" });

        Assert.Contains(control.Items, static i => i.Text == "iphone 15 case" && i.Sources.Contains(Source.Fuzzy));
        Assert.Contains(("matching", "nofuzzy"), ExperimentHosts.Arms(arm.Metadata));
        Assert.DoesNotContain(arm.Items, static i => i.Sources.Contains(Source.Fuzzy));
        Assert.DoesNotContain(arm.Items, static i => i.Text == "iphone 15 case");
    }

    [Fact]
    public async Task Suggest_ArmWithDefaultLimit3_ReturnsAtMost3()
    {
        var control = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip" });
        var arm = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", DeviceId = "device-1" });

        Assert.True(control.Items.Count > 3, $"the control answer has {control.Items.Count} items");
        Assert.Contains(("limit", "k3"), ExperimentHosts.Arms(arm.Metadata));
        Assert.InRange(arm.Items.Count, 1, 3);
    }

    [Fact]
    public async Task Suggest_RankerOffArm_IsRankedByTheHeuristic_AndTheOtherArmByTheModel()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 40; i++)
        {
            var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "user-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) });

            var ranker = Assert.Single(response.Metadata.ExperimentArms, static a => a.Layer == "ranker").Arm;
            seen.Add(ranker);
            Assert.Equal(ranker == "off" ? HeuristicScorer.ModelVersion : host.ModelVersion, response.Metadata.ModelVersion);
            Assert.False(response.Metadata.Degraded);
        }

        // 40 callers split 50/50: both arms are seen (the chance of one arm only is 2^-39).
        Assert.Equal(["off", "on"], seen.Order());
    }

    [Fact]
    public async Task Suggest_SameCaller_GetsTheSameArmsEveryTime()
    {
        var first = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "bob" });
        for (var i = 0; i < 5; i++)
        {
            var again = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "bob" });
            Assert.Equal(ExperimentHosts.Arms(first.Metadata), ExperimentHosts.Arms(again.Metadata));
        }
    }

    [Fact]
    public async Task Suggest_NoUserOrDeviceId_GetsNoArm()
    {
        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip" });

        Assert.Empty(response.Metadata.ExperimentArms);
        Assert.Equal(host.ModelVersion, response.Metadata.ModelVersion);
    }

    [Fact]
    public async Task EveryRpc_CarriesTheCallersArms()
    {
        var suggest = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "carol" });
        var discover = await host.Client.DiscoverAsync(new DiscoverRequest { Stage = Stage.BeforeSearch, UserId = "carol" });
        var shading = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { UserId = "carol" });
        var events = await host.Client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event { EventId = Guid.NewGuid().ToString("N"), Type = EventType.SearchSubmitted, Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), UserId = "carol", Query = "ipad pro" },
            },
        });

        var expected = ExperimentHosts.Arms(suggest.Metadata);
        Assert.Contains(("matching", "nofuzzy"), expected);
        Assert.Contains(("limit", "k3"), expected);
        Assert.Equal(expected, ExperimentHosts.Arms(discover.Metadata));
        Assert.Equal(expected, ExperimentHosts.Arms(shading.Metadata));
        Assert.Equal(expected, ExperimentHosts.Arms(events.Metadata));
    }

    [Fact]
    public async Task Suggest_QaOverrideOnALayerThatAllowsIt_IsHonoured()
    {
        // Find a caller the hash puts in ranker:on, then force ranker:off for them.
        var caller = await CallerInRankerArmAsync("on");

        var forced = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = caller }, Header("ranker=off"));

        Assert.Contains(("ranker", "off"), ExperimentHosts.Arms(forced.Metadata));
        Assert.Equal(HeuristicScorer.ModelVersion, forced.Metadata.ModelVersion);
    }

    [Fact]
    public async Task Suggest_QaOverrideWithoutAnyId_IsHonoured()
    {
        var forced = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip" }, Header("ranker=off"));

        Assert.Equal([("ranker", "off")], ExperimentHosts.Arms(forced.Metadata));
        Assert.Equal(HeuristicScorer.ModelVersion, forced.Metadata.ModelVersion);
    }

    [Fact]
    public async Task Suggest_QaOverrideOnALockedLayer_IsIgnored()
    {
        var plain = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "dave" });
        var overridden = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "dave" }, Header("locked=nohistory, nosuchlayer=x"));

        Assert.DoesNotContain(overridden.Metadata.ExperimentArms, static a => a.Layer is "locked" or "nosuchlayer");
        Assert.Equal(ExperimentHosts.Arms(plain.Metadata), ExperimentHosts.Arms(overridden.Metadata));
    }

    [Theory]
    [InlineData("ranker=nope")]
    [InlineData("ranker")]
    [InlineData("=off")]
    public async Task Suggest_BadQaOverride_IsInvalidArgumentNamingTheHeader(string header)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip" }, Header(header)));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("x-queryrec-arm", violation.Field);
    }

    [Fact]
    public async Task Suggest_OverlongQaOverride_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip" }, Header("ranker=off," + new string('x', 600))));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Suggest_ArmModelNotPublished_IsDegradedAndTheDefaultModelRanks()
    {
        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "erin" }, Header("model=missing,ranker=on"));

        Assert.Contains(("model", "missing"), ExperimentHosts.Arms(response.Metadata));
        Assert.True(response.Metadata.Degraded);
        Assert.Contains("experiment_model_unavailable:feedfacefeedface", response.Metadata.DegradedReasons);
        Assert.Equal(host.ModelVersion, response.Metadata.ModelVersion);
        Assert.NotEmpty(response.Items);
    }

    private async Task<string> CallerInRankerArmAsync(string arm)
    {
        for (var i = 0; i < 200; i++)
        {
            var caller = "qa-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = caller });
            if (response.Metadata.ExperimentArms.Any(a => a.Layer == "ranker" && a.Arm == arm))
            {
                return caller;
            }
        }

        throw new InvalidOperationException($"No caller of 200 is in ranker:{arm}.");
    }
}
