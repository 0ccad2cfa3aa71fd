using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Telemetry;

namespace QueryRec.FunctionalTests.Experiments;

/// <summary>
/// The mounted experiments file is watched: a good change takes effect, a bad one is refused (counted, logged) and the
/// last good configuration keeps serving.
/// </summary>
public sealed class ExperimentReloadTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-exp-reload-");

    private string ConfigPath => Path.Combine(_dir.FullName, "experiments.json");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string LimitLayer(string arm, int limit, decimal share = 100) => $$"""
        { "Layers": [ { "Name": "limit", "Arms": [
          { "Name": "{{arm}}", "Share": {{share.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "Overrides": { "Suggest": { "DefaultLimit": {{limit}} } } } ] } ] }
        """;

    private static async Task<SuggestResponse> SuggestAsync(QueryRecService.QueryRecServiceClient client)
        => await client.SuggestAsync(new SuggestRequest { Prefix = "ip", UserId = "reload-user" });

    private (QueryRecFactory Factory, QueryRecService.QueryRecServiceClient Client) Start(string json)
    {
        ExperimentHosts.WriteConfig(ConfigPath, json);
        var factory = ExperimentHosts.Create(ConfigPath);
        return (factory, factory.CreateClient(factory.CreateChannel()));
    }

    [Fact]
    public async Task Reload_GoodConfig_TakesEffect()
    {
        var (factory, client) = Start(LimitLayer("k3", 3));
        using var _ = factory;
        var before = await SuggestAsync(client);
        var registry = factory.Services.GetRequiredService<ExperimentRegistry>();
        var generation = registry.Generation;

        ExperimentHosts.WriteConfig(ConfigPath, LimitLayer("k2", 2));
        var after = await UntilArmAsync(client, "k2");

        Assert.Equal([("limit", "k3")], ExperimentHosts.Arms(before.Metadata));
        Assert.Equal(3, before.Items.Count);
        Assert.Equal(2, after.Items.Count);
        Assert.Equal(generation + 1, registry.Generation);
    }

    [Fact]
    public async Task Reload_ArmRemoved_CallersGetNoArm()
    {
        var (factory, client) = Start(LimitLayer("k3", 3));
        using var _ = factory;

        ExperimentHosts.WriteConfig(ConfigPath, """{ "Layers": [] }""");
        var end = DateTime.UtcNow + Deadline;
        SuggestResponse response;
        do
        {
            Assert.True(DateTime.UtcNow < end, "Timed out waiting for the arm to go.");
            await Task.Delay(50);
            response = await SuggestAsync(client);
        }
        while (response.Metadata.ExperimentArms.Count > 0);

        Assert.True(response.Items.Count > 3, $"{response.Items.Count} items");
    }

    public static TheoryData<string, string> BadConfigs => new()
    {
        { "shares over 100%", LimitLayer("k2", 2, share: 100.5m) },
        { "unknown override key", """{ "Layers": [ { "Name": "limit", "Arms": [ { "Name": "k2", "Share": 100, "Overrides": { "Suggest:NoSuchOption": 2 } } ] } ] }""" },
        { "value failing the options validator", LimitLayer("k2", 0) },
        { "value of the wrong type", """{ "Layers": [ { "Name": "limit", "Arms": [ { "Name": "k2", "Share": 100, "Overrides": { "Suggest:DefaultLimit": "many" } } ] } ] }""" },
        { "duplicate layer names", """{ "Layers": [ { "Name": "limit", "Arms": [] }, { "Name": "limit", "Arms": [] } ] }""" },
        { "too many layers", "{ \"Layers\": [ " + string.Join(", ", Enumerable.Range(0, 17).Select(static i => $"{{ \"Name\": \"l{i}\" }}")) + " ] }" },
        { "malformed JSON", """{ "Layers": [ { "Name": "limit", """ },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public async Task Reload_BadConfig_IsRefusedCountedAndTheLastGoodConfigStays(string why, string json)
    {
        var (factory, client) = Start(LimitLayer("k3", 3));
        using var _ = factory;
        using var refused = new HostCounter(factory, QueryRecInstrumentation.ExperimentReloadRefusedName);
        var generation = factory.Services.GetRequiredService<ExperimentRegistry>().Generation;

        ExperimentHosts.WriteConfig(ConfigPath, json);
        await Polling.UntilAsync(() => refused.Count >= 1, $"the refused reload ({why})", Deadline);
        var after = await SuggestAsync(client);

        Assert.Equal([("limit", "k3")], ExperimentHosts.Arms(after.Metadata));
        Assert.Equal(3, after.Items.Count);
        Assert.Equal(generation, factory.Services.GetRequiredService<ExperimentRegistry>().Generation);
    }

    [Fact]
    public async Task Reload_OfTheHostConfigurationAfterARefusedFile_IsRefusedToo_AndTheLastGoodConfigStays()
    {
        var (factory, client) = Start(LimitLayer("k3", 3));
        using var _ = factory;
        using var refused = new HostCounter(factory, QueryRecInstrumentation.ExperimentReloadRefusedName);
        var registry = factory.Services.GetRequiredService<ExperimentRegistry>();
        var generation = registry.Generation;

        ExperimentHosts.WriteConfig(ConfigPath, """{ "Layers": [ { "Name": "limit", """);
        await Polling.UntilAsync(() => refused.Count >= 1, "the refused reload", Deadline);
        // The refused file has no data left: it must still read as refused, not as a file without experiments.
        ((IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>()).Reload();
        var after = await SuggestAsync(client);

        Assert.Equal([("limit", "k3")], ExperimentHosts.Arms(after.Metadata));
        Assert.Equal(generation, registry.Generation);
        Assert.True(refused.Count >= 2, $"{refused.Count} refused");
    }

    [Fact]
    public async Task Start_DotPrefixedFile_IsRead()
    {
        var path = Path.Combine(_dir.FullName, ".experiments.json");
        ExperimentHosts.WriteConfig(path, LimitLayer("k3", 3));
        using var factory = ExperimentHosts.Create(path);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await SuggestAsync(client);

        Assert.Equal([("limit", "k3")], ExperimentHosts.Arms(response.Metadata));
    }

    [Fact]
    public async Task Reload_GoodConfigAfterARefusedOne_TakesEffect()
    {
        var (factory, client) = Start(LimitLayer("k3", 3));
        using var _ = factory;
        using var refused = new HostCounter(factory, QueryRecInstrumentation.ExperimentReloadRefusedName);

        ExperimentHosts.WriteConfig(ConfigPath, LimitLayer("k2", 2, share: 150));
        await Polling.UntilAsync(() => refused.Count >= 1, "the refused reload", Deadline);
        ExperimentHosts.WriteConfig(ConfigPath, LimitLayer("k2", 2));
        var after = await UntilArmAsync(client, "k2");

        Assert.Equal(2, after.Items.Count);
    }

    private static async Task<SuggestResponse> UntilArmAsync(QueryRecService.QueryRecServiceClient client, string arm)
    {
        var end = DateTime.UtcNow + Deadline;
        while (true)
        {
            var response = await SuggestAsync(client);
            if (response.Metadata.ExperimentArms.Any(a => a.Arm == arm))
            {
                return response;
            }

            Assert.True(DateTime.UtcNow < end, $"Timed out waiting for arm {arm}.");
            await Task.Delay(50);
        }
    }
}

/// <summary>A bad experiments configuration at start stops the host with a message naming the problem.</summary>
public sealed class ExperimentStartupTests
{
    [Theory]
    [InlineData("QueryRec:Experiments:Layers:0:Arms:0:Share", "150", "percentage from 0 to 100")]
    [InlineData("QueryRec:Experiments:Layers:0:Arms:1:Share", "95", "at most 100%")]
    [InlineData("QueryRec:Experiments:Layers:0:Arms:0:Overrides:Suggest:NoSuchOption", "1", "unknown override key")]
    [InlineData("QueryRec:Experiments:Layers:0:Arms:0:Overrides:Suggest:DefaultLimit", "0", "DefaultLimit")]
    [InlineData("QueryRec:Experiments:File", "/nonexistent/experiments.json", "does not exist")]
    public void Startup_BadExperiments_FailsWithClearMessage(string key, string value, string named)
    {
        var output = ApiProcess.StartupFailure(new Dictionary<string, string?>
        {
            ["QueryRec:Store:IndexPath"] = "",
            ["QueryRec:Experiments:Layers:0:Name"] = "layer",
            ["QueryRec:Experiments:Layers:0:Arms:0:Name"] = "arm",
            ["QueryRec:Experiments:Layers:0:Arms:0:Share"] = "10",
            [key] = value,
        });

        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.Contains("QueryRec:Experiments", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_MalformedExperimentsFile_FailsNamingTheFileAndLine()
    {
        var dir = Directory.CreateTempSubdirectory("queryrec-exp-start-");
        try
        {
            var path = Path.Combine(dir.FullName, "experiments.json");
            File.WriteAllText(path, "{\n  \"Layers\": [\n    { \"Name\" \"limit\" }\n  ]\n}\n");

            var output = ApiProcess.StartupFailure(new Dictionary<string, string?>
            {
                ["QueryRec:Store:IndexPath"] = "",
                ["QueryRec:Experiments:File"] = path,
            });

            Assert.Contains($"'{path}': line 3: not valid JSON", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
