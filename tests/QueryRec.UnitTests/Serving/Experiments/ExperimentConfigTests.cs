using System.Globalization;
using Microsoft.Extensions.Configuration;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;

namespace QueryRec.UnitTests.Serving.Experiments;

/// <summary>Reading and checking the experiments configuration: what is accepted, what is refused and why.</summary>
public sealed class ExperimentConfigTests
{
    private static (ExperimentConfig Config, List<string> Errors) Read(Dictionary<string, string?> settings)
    {
        var errors = new List<string>();
        var config = ExperimentConfigReader.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), errors);
        return (config, errors);
    }

    private static Dictionary<string, string?> OneLayer(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Layers:0:Name"] = "ranker",
            ["Layers:0:Arms:0:Name"] = "control",
            ["Layers:0:Arms:0:Share"] = "50",
            ["Layers:0:Arms:1:Name"] = "treatment",
            ["Layers:0:Arms:1:Share"] = "25",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static ExperimentOptionsBinder Binder(Dictionary<string, string?>? baseSettings = null) => new(
        new ConfigurationBuilder().AddInMemoryCollection(baseSettings ?? []).Build(),
        [new SuggestOptionsValidator()],
        [new MatchingOptionsValidator(), new MatchingOptionsRules()],
        [new HeuristicRankingOptionsValidator()],
        [new StrategyOptionsValidator()]);

    [Fact]
    public void Read_SharesUnder100_LeavesTheRemainderWithoutAnArm()
    {
        var (config, errors) = Read(OneLayer());

        Assert.Empty(errors);
        var layer = config.Layers.Single();
        Assert.Equal("control", layer.ArmOf(0)!.Name);
        Assert.Equal("control", layer.ArmOf(4999)!.Name);
        Assert.Equal("treatment", layer.ArmOf(5000)!.Name);
        Assert.Equal("treatment", layer.ArmOf(7499)!.Name);
        Assert.Null(layer.ArmOf(7500));
        Assert.Null(layer.ArmOf(9999));
    }

    [Fact]
    public void Read_NoSalt_SaltIsTheLayerName()
    {
        Assert.Equal("ranker", Read(OneLayer()).Config.Layers.Single().Salt);
    }

    [Fact]
    public void Read_SharesOver100_IsRefused()
    {
        var (_, errors) = Read(OneLayer(("Layers:0:Arms:1:Share", "50.01")));

        Assert.Contains(errors, static e => e.Contains("100.01%", StringComparison.Ordinal) && e.Contains("at most 100%", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("101")]
    [InlineData("half")]
    [InlineData("0.005")]
    public void Read_BadShare_IsRefused(string share)
    {
        var (_, errors) = Read(OneLayer(("Layers:0:Arms:1:Share", share)));

        Assert.Contains(errors, static e => e.StartsWith("Layers:0:Arms:1:Share", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DuplicateLayerNames_AreRefused()
    {
        var (_, errors) = Read(OneLayer(("Layers:1:Name", "ranker"), ("Layers:1:Arms:0:Name", "a"), ("Layers:1:Arms:0:Share", "10")));

        Assert.Contains(errors, static e => e.Contains("layer name 'ranker' is used twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DuplicateArmNames_AreRefused()
    {
        var (_, errors) = Read(OneLayer(("Layers:0:Arms:1:Name", "control")));

        Assert.Contains(errors, static e => e.Contains("arm name 'control' is used twice", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("comma,name")]
    [InlineData("equals=name")]
    public void Read_BadLayerName_IsRefused(string name)
    {
        var (_, errors) = Read(OneLayer(("Layers:0:Name", name)));

        Assert.Contains(errors, static e => e.StartsWith("Layers:0:Name", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_NameOf65Characters_IsRefused()
    {
        var (_, errors) = Read(OneLayer(("Layers:0:Arms:0:Name", new string('a', 65))));

        Assert.Contains(errors, static e => e.StartsWith("Layers:0:Arms:0:Name", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_NameOf64Characters_IsAccepted()
    {
        var (config, errors) = Read(OneLayer(("Layers:0:Arms:0:Name", new string('a', 64))));

        Assert.Empty(errors);
        Assert.Equal(new string('a', 64), config.Layers.Single().Arms[0].Name);
    }

    [Fact]
    public void Read_17Layers_IsRefused()
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < 17; i++)
        {
            settings[$"Layers:{i}:Name"] = "l" + i.ToString(CultureInfo.InvariantCulture);
        }

        Assert.Contains(Read(settings).Errors, static e => e.Contains("at most 16", StringComparison.Ordinal));
        settings.Remove("Layers:16:Name");
        Assert.Empty(Read(settings).Errors);
    }

    [Fact]
    public void Read_33Arms_IsRefused()
    {
        var settings = new Dictionary<string, string?> { ["Layers:0:Name"] = "wide" };
        for (var i = 0; i < 33; i++)
        {
            settings[$"Layers:0:Arms:{i}:Name"] = "a" + i.ToString(CultureInfo.InvariantCulture);
            settings[$"Layers:0:Arms:{i}:Share"] = "1";
        }

        Assert.Contains(Read(settings).Errors, static e => e.Contains("at most 32", StringComparison.Ordinal));
        settings.Remove("Layers:0:Arms:32:Name");
        settings.Remove("Layers:0:Arms:32:Share");
        Assert.Empty(Read(settings).Errors);
    }

    [Fact]
    public void Read_65Overrides_IsRefused()
    {
        var settings = OneLayer();
        for (var i = 0; i < 65; i++)
        {
            settings[$"Layers:0:Arms:0:Overrides:Strategies:Pins:{i}:Query"] = "q" + i.ToString(CultureInfo.InvariantCulture);
        }

        Assert.Contains(Read(settings).Errors, static e => e.Contains("more than 64 overrides", StringComparison.Ordinal));
        settings.Remove("Layers:0:Arms:0:Overrides:Strategies:Pins:64:Query");
        Assert.Empty(Read(settings).Errors);
    }

    [Theory]
    [InlineData("Suggest:NoSuchOption")]
    [InlineData("Store:Redis")]
    [InlineData("Ranking:Model:Path")]
    [InlineData("Suggest:Matching:Nope")]
    [InlineData("Strategies:Pins:x:Query")]
    [InlineData("Strategies:Pins:0:Nope")]
    [InlineData("Suggest")]
    public void Read_UnknownOverrideKey_IsRefused(string key)
    {
        var (_, errors) = Read(OneLayer(("Layers:0:Arms:1:Overrides:" + key, "1")));

        Assert.Contains(errors, e => e.Contains(key, StringComparison.OrdinalIgnoreCase) && e.Contains("unknown override key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Suggest:DefaultLimit", "3")]
    [InlineData("Suggest:Matching:Fuzzy", "false")]
    [InlineData("suggest:matching:fuzzyminlength", "5")]
    [InlineData("Ranking:Heuristic:InfixWeight", "0.2")]
    [InlineData("Strategies:ShadingDailyExposureCap", "0")]
    [InlineData("Strategies:Pins:0:Query", "campaign")]
    [InlineData("Ranking:Enabled", "false")]
    [InlineData("Ranking:ModelId", "0123456789abcdef")]
    public void Read_KnownOverrideKey_IsAccepted(string key, string value)
    {
        var (config, errors) = Read(OneLayer(("Layers:0:Arms:1:Overrides:" + key, value)));

        Assert.Empty(errors);
        Assert.Equal(value, config.Layers.Single().Arms[1].Overrides[key]);
    }

    [Fact]
    public void Read_NestedAndFlatOverrideKeys_AreTheSameOverride()
    {
        // JSON nests "Suggest": { "DefaultLimit": 3 }; environment variables and flat JSON keys give the full path.
        var json = """
            { "Layers": [ { "Name": "k", "Arms": [
              { "Name": "nested", "Share": 10, "Overrides": { "Suggest": { "DefaultLimit": 3 } } },
              { "Name": "flat", "Share": 10, "Overrides": { "Suggest:DefaultLimit": 3 } } ] } ] }
            """;
        var errors = new List<string>();
        var config = ExperimentConfigReader.Read(new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build(), errors);

        Assert.Empty(errors);
        Assert.All(config.Layers.Single().Arms, static a => Assert.Equal("3", a.Overrides["Suggest:DefaultLimit"]));
    }

    [Fact]
    public void Read_SameKeyInTwoLayers_IsRefused()
    {
        var (_, errors) = Read(OneLayer(
            ("Layers:0:Arms:1:Overrides:Suggest:DefaultLimit", "3"),
            ("Layers:1:Name", "other"),
            ("Layers:1:Arms:0:Name", "a"),
            ("Layers:1:Arms:0:Share", "10"),
            ("Layers:1:Arms:0:Overrides:Suggest:DefaultLimit", "5")));

        Assert.Contains(errors, static e => e.Contains("layer 'ranker' already overrides this key", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_RankingEnabledNotABoolean_IsRefused()
    {
        Assert.NotEmpty(Read(OneLayer(("Layers:0:Arms:1:Overrides:Ranking:Enabled", "off"))).Errors);
    }

    [Fact]
    public void Bind_OverrideOutOfTheValidatorsRange_IsRefused()
    {
        var errors = new List<string>();

        Binder().Bind([("k", "a")], new Dictionary<string, string> { ["Suggest:DefaultLimit"] = "0" }, errors);

        Assert.Contains(errors, static e => e.Contains("DefaultLimit", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_ValueOfTheWrongType_IsRefused()
    {
        var errors = new List<string>();

        Binder().Bind([("k", "a")], new Dictionary<string, string> { ["Suggest:Matching:Fuzzy"] = "sometimes" }, errors);

        Assert.Contains(errors, static e => e.StartsWith(MatchingOptions.Section, StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_CrossFieldRuleBroken_IsRefused()
    {
        var errors = new List<string>();

        Binder().Bind([("k", "a")], new Dictionary<string, string> { ["Suggest:Matching:FuzzyMinLength"] = "9" }, errors);

        Assert.Contains(errors, static e => e.Contains("FuzzyTwoEditsLength", StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_Overrides_AreBoundOverTheBaseConfiguration()
    {
        var errors = new List<string>();
        var binder = Binder(new() { ["QueryRec:Suggest:HistoryMax"] = "7", ["QueryRec:Ranking:Heuristic:InfixWeight"] = "0.1" });

        var assignment = binder.Bind([("k", "a")], new Dictionary<string, string> { ["Suggest:DefaultLimit"] = "3", ["Ranking:Enabled"] = "false" }, errors);

        Assert.Empty(errors);
        Assert.Equal((3, 7), (assignment.Suggest!.DefaultLimit, assignment.Suggest.HistoryMax));
        Assert.False(assignment.RankingEnabled);
        Assert.Null(assignment.Heuristic);
        Assert.Null(assignment.Matching);
        Assert.Equal("k:a", assignment.Tag);
    }
}
