using System.Globalization;
using System.Text.Json;
using QueryRec.Core.Ranking;
using QueryRec.Serving.Ranking;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class ModelCardTests
{
    /// <summary>A card as <c>indexer train</c> writes it: the file format that models and indexes already carry.</summary>
    private const string TrainedCard = """
        {
          "schema_version": "features-v2",
          "feature_names": [
            "popularity_log",
            "popularity_rel",
            "ctr",
            "cvr",
            "gmv_log",
            "match_prefix",
            "match_pinyin_full",
            "match_pinyin_initials",
            "match_pinyin_mixed",
            "match_infix",
            "match_fuzzy",
            "prefix_length",
            "candidate_length",
            "edit_distance",
            "q2q_strength",
            "i2q_strength",
            "user_history_affinity",
            "category_affinity",
            "trend",
            "recent_log",
            "recent_rel",
            "recent_users_log"
          ],
          "model_version": "rank-20261207074459-3329ad8c",
          "trainer": "lightgbm-lambdarank",
          "created_utc": "2026-12-07T07:44:59.449882+00:00",
          "seed": 42,
          "rows": 2400,
          "groups": 300,
          "train_rows": 1920,
          "train_groups": 240,
          "test_rows": 480,
          "test_groups": 60,
          "metrics": {
            "input_order_mrr_at_10": 0.40025793650793645,
            "mrr_at_10": 0.9208333333333333,
            "ndcg_at_1": 0.9604301075268817,
            "ndcg_at_10": 0.9772205707976547,
            "ndcg_at_3": 0.9458165717362367
          },
          "onnx_file": "m.onnx",
          "ml_net_file": "m.mlnet.zip",
          "onnx_input": "Features",
          "onnx_output": "Score.output",
          "onnx_max_abs_diff": 4.76837158203125E-07,
          "train_seconds": 0.363079,
          "model_bytes": 14850
        }
        """;

    private static ModelCard Trained() => new()
    {
        SchemaVersion = "features-v2",
        FeatureNames =
        [
            "popularity_log", "popularity_rel", "ctr", "cvr", "gmv_log", "match_prefix", "match_pinyin_full",
            "match_pinyin_initials", "match_pinyin_mixed", "match_infix", "match_fuzzy", "prefix_length",
            "candidate_length", "edit_distance", "q2q_strength", "i2q_strength", "user_history_affinity",
            "category_affinity", "trend", "recent_log", "recent_rel", "recent_users_log",
        ],
        ModelVersion = "rank-20261207074459-3329ad8c",
        Trainer = "lightgbm-lambdarank",
        CreatedUtc = DateTimeOffset.Parse("2026-12-07T07:44:59.449882+00:00", CultureInfo.InvariantCulture),
        Seed = 42,
        Rows = 2400,
        Groups = 300,
        TrainRows = 1920,
        TrainGroups = 240,
        TestRows = 480,
        TestGroups = 60,
        Metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["ndcg_at_1"] = 0.9604301075268817,
            ["ndcg_at_3"] = 0.9458165717362367,
            ["ndcg_at_10"] = 0.9772205707976547,
            ["mrr_at_10"] = 0.9208333333333333,
            ["input_order_mrr_at_10"] = 0.40025793650793645,
        },
        OnnxFile = "m.onnx",
        MlNetFile = "m.mlnet.zip",
        OnnxInput = "Features",
        OnnxOutput = "Score.output",
        OnnxMaxAbsDiff = 4.76837158203125E-07,
        TrainSeconds = 0.363079,
        ModelBytes = 14850,
    };

    [Fact]
    public void Write_TrainedCard_GivesTheCardFormatByteForByte()
    {
        Assert.Equal(TrainedCard.ReplaceLineEndings(), Trained().ToJson());
    }

    [Fact]
    public void Parse_TrainedCard_ReadsEveryFieldAndWritesItBackByteForByte()
    {
        var card = ModelCard.Parse(TrainedCard);

        var expected = Trained();
        Assert.Equal(expected.SchemaVersion, card.SchemaVersion);
        Assert.Equal(expected.ModelVersion, card.ModelVersion);
        Assert.Equal(expected.FeatureNames, card.FeatureNames);
        Assert.Equal(expected.CreatedUtc, card.CreatedUtc);
        Assert.Equal(2400, card.Rows);
        Assert.Equal(60, card.TestGroups);
        Assert.Equal(expected.Metrics, card.Metrics);
        Assert.Equal(4.76837158203125E-07, card.OnnxMaxAbsDiff);
        Assert.Equal(14850, card.ModelBytes);
        Assert.Equal(TrainedCard.ReplaceLineEndings(), card.ToJson());
    }

    [Fact]
    public void Parse_CardWithAGuard_ReadsTheVerdictAndFiguresAndWritesThemBack()
    {
        var json = Trained().ToJson().TrimEnd().TrimEnd('}').TrimEnd() + """
            ,
              "guard": {
                "from": "2011-09-24T00:00:00+00:00",
                "until": "2011-10-01T00:00:00+00:00",
                "searches": 2999,
                "own_last_query_searches": 1,
                "tolerance": 0.005,
                "heuristic": { "cold": 0.6604, "streaming": 0.6654 },
                "learned": { "cold": 0.6604, "streaming": 0.666 },
                "losses": [],
                "passed": true
              }
            }
            """;

        var card = ModelCard.Parse(json);

        Assert.True(card.Guard!.Passed);
        Assert.Equal(2999, card.Guard.Searches);
        Assert.Equal(0.666, card.Guard.Learned!["streaming"]);
        Assert.Equal(new DateTimeOffset(2011, 9, 24, 0, 0, 0, TimeSpan.Zero), card.Guard.From);
        Assert.Equal(card.Guard.Heuristic, ModelCard.Parse(card.ToJson()).Guard!.Heuristic);
    }

    [Fact]
    public void Parse_HandMadeCard_HasTheIdentityAndNoReport()
    {
        var card = ModelCard.Parse("""{"schema_version": "features-v2", "model_version": "hand-1"}""");

        Assert.Equal("features-v2", card.SchemaVersion);
        Assert.Equal("hand-1", card.ModelVersion);
        Assert.Null(card.FeatureNames);
        Assert.Null(card.Rows);
        Assert.Null(card.Metrics);
    }

    [Fact]
    public void Parse_WithoutModelVersion_LeavesItNull()
    {
        Assert.Null(ModelCard.Parse("""{"schema_version": "features-v2"}""").ModelVersion);
    }

    [Theory]
    [InlineData("""{"model_version": "m"}""")]
    [InlineData("""{"schema_version": null, "model_version": "m"}""")]
    [InlineData("""{"schema_version": 2, "model_version": "m"}""")]
    [InlineData("""{"Schema_Version": "features-v2"}""")]
    public void Parse_WithoutSchemaVersionString_IsRefused(string json)
    {
        var error = Assert.Throws<ModelCardException>(() => ModelCard.Parse(json));

        Assert.Equal(ModelCardProblem.NoSchemaVersion, error.Problem);
    }

    [Fact]
    public void Parse_CardOfAnotherSchema_ReadsItAndSaysItIsNotThisBuildsSchema()
    {
        var card = ModelCard.Parse("""{"schema_version": "features-v0", "model_version": "old-1"}""");

        Assert.Equal("features-v0", card.SchemaVersion);
        Assert.False(card.IsFor(FeatureSchema.Schema));
        Assert.True((card with { SchemaVersion = FeatureSchema.Version }).IsFor(FeatureSchema.Schema));
        Assert.False((card with { SchemaVersion = FeatureSchema.Version }).IsFor(DiscoveryFeatureSchema.Schema));
    }

    [Theory]
    [InlineData("")]
    [InlineData("model card")]
    [InlineData("{")]
    [InlineData("{\"schema_version\": \"features-v2\",}")]
    [InlineData("{\"schema_version\": \"features-v2\"} {}")]
    public void Parse_Garbage_IsNotJsonWithTheJsonError(string json)
    {
        var error = Assert.Throws<ModelCardException>(() => ModelCard.Parse(json));

        Assert.Equal(ModelCardProblem.NotJson, error.Problem);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"features-v2\"")]
    public void Parse_JsonThatIsNotAnObject_IsRefused(string json)
    {
        var error = Assert.Throws<ModelCardException>(() => ModelCard.Parse(json));

        Assert.Equal(ModelCardProblem.NotObject, error.Problem);
        Assert.Null(error.InnerException);
    }

    [Theory]
    [InlineData("\"seed\": \"forty-two\"")]
    [InlineData("\"metrics\": [0.5]")]
    [InlineData("\"created_utc\": \"yesterday\"")]
    public void Parse_ReportFieldOfTheWrongType_KeepsTheIdentityAndDropsTheReport(string field)
    {
        var card = ModelCard.Parse($$"""{"schema_version": "features-v2", "model_version": "hand-2", "rows": 10, {{field}}}""");

        Assert.Equal("features-v2", card.SchemaVersion);
        Assert.Equal("hand-2", card.ModelVersion);
        Assert.Null(card.Rows);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("{}")]
    [InlineData("null")]
    public void Parse_ModelVersionThatIsNotAString_IsAbsent(string value)
    {
        var card = ModelCard.Parse($$"""{"schema_version": "features-v2", "model_version": {{value}}, "rows": 10}""");

        Assert.Null(card.ModelVersion);
        Assert.Equal("features-v2", card.SchemaVersion);
    }
}
