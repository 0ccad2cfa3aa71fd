using System.Text.Json;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Ranking;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Ranking;

/// <summary>
/// What the two readers of a model card make of it: a server loading a model (<see cref="RankingModel"/>) and
/// <c>build --model</c> / <c>publish-model</c> packaging one (<see cref="ModelPackageReader"/>). Card errors come before
/// the ONNX bytes are looked at, so most cases need no real model.
/// </summary>
public sealed class ModelCardReadersTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 15, 0, TimeSpan.Zero);
    private static readonly byte[] NotOnnx = [1, 2, 3];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("{", "The card c is not valid JSON.")]
    [InlineData("", "The card c is not valid JSON.")]
    [InlineData("[]", "The card c is not a JSON object.")]
    [InlineData("\"features-v2\"", "The card c is not a JSON object.")]
    [InlineData("""{"model_version": "m"}""", "The card c has no schema_version.")]
    [InlineData("""{"schema_version": 2, "model_version": "m"}""", "The card c has no schema_version.")]
    [InlineData("""{"schema_version": null}""", "The card c has no schema_version.")]
    public void Server_UnreadableCard_IsRefusedNamingTheCard(string card, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => RankingModel.Load(NotOnnx, card, "The card c", "fallback"));

        Assert.Equal(message, error.Message);
        Assert.Equal(message.EndsWith("valid JSON.", StringComparison.Ordinal), error.InnerException is JsonException);
    }

    [Theory]
    [InlineData("features-v0")]
    [InlineData("")]
    public void Server_CardOfAnotherSchema_IsRefused(string schema)
    {
        var card = JsonSerializer.Serialize(new Dictionary<string, string> { ["schema_version"] = schema, ["model_version"] = "m" });

        var error = Assert.Throws<InvalidDataException>(() => RankingModel.Load(NotOnnx, card, "The card c", "fallback"));

        Assert.Equal($"The model card says schema {schema}; this server uses {FeatureSchema.Version}.", error.Message);
    }

    [Theory]
    [InlineData("\"hand-1\"", "hand-1")]
    [InlineData("\"  \"", "fallback")]
    [InlineData("null", "fallback")]
    [InlineData("7", "fallback")]
    [InlineData("{}", "fallback")]
    public void Server_ModelVersion_IsTheCardsStringElseTheFallback(string modelVersion, string served)
    {
        var onnx = Train();
        var card = $$"""{"schema_version": "{{FeatureSchema.Version}}", "model_version": {{modelVersion}}}""";

        var model = RankingModel.Load(onnx, card, "The card c", "fallback");
        model.Release();

        Assert.Equal(served, model.Version);
    }

    [Fact]
    public void Server_ReportFieldOfTheWrongType_DoesNotRefuseTheModel()
    {
        var onnx = Train();
        var card = $$"""{"schema_version": "{{FeatureSchema.Version}}", "model_version": "hand-2", "seed": "forty-two", "metrics": [1, 2]}""";

        var model = RankingModel.Load(onnx, card, "The card c", "fallback");
        model.Release();

        Assert.Equal("hand-2", model.Version);
    }

    [Theory]
    [InlineData("[]", ": the model card is not a JSON object.")]
    [InlineData("""{"model_version": "m"}""", ": the model card has no schema_version.")]
    [InlineData("""{"schema_version": " ", "model_version": "m"}""", ": the model card has no schema_version.")]
    [InlineData("""{"schema_version": ["features-v2"], "model_version": "m"}""", ": the model card has no schema_version.")]
    [InlineData("""{"schema_version": "features-v2"}""", ": the model card has no model_version (1 to 128 characters).")]
    [InlineData("""{"schema_version": "features-v2", "model_version": " "}""", ": the model card has no model_version (1 to 128 characters).")]
    [InlineData("""{"schema_version": "features-v2", "model_version": 7}""", ": the model card has no model_version (1 to 128 characters).")]
    [InlineData("""{"schema_version": "features-v0", "model_version": "m"}""", ": schema_version is 'features-v0'; this indexer and its servers use 'features-v2'.")]
    public void Package_UnfitCard_IsACliErrorNamingTheCard(string card, string message)
    {
        var (onnx, cardPath) = Files(card);

        var error = Assert.Throws<CliUserException>(() => ModelPackageReader.Read(onnx, force: false, TextWriter.Null));

        Assert.Equal(cardPath + message.Replace("features-v2", FeatureSchema.Version, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Package_ModelVersionOver128Characters_IsACliError()
    {
        var (onnx, cardPath) = Files($$"""{"schema_version": "{{FeatureSchema.Version}}", "model_version": "{{new string('v', 129)}}"}""");

        var error = Assert.Throws<CliUserException>(() => ModelPackageReader.Read(onnx, force: false, TextWriter.Null));

        Assert.Equal(cardPath + ": the model card has no model_version (1 to 128 characters).", error.Message);
    }

    [Fact]
    public void Package_CardThatIsNotJson_IsACliErrorWithItsLine()
    {
        var (onnx, cardPath) = Files("{\n  \"schema_version\": }");

        var error = Assert.Throws<CliUserException>(() => ModelPackageReader.Read(onnx, force: false, TextWriter.Null));

        Assert.StartsWith(cardPath + ":2: the model card is not valid JSON: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Package_ReportFieldOfTheWrongType_PassesTheCardAndReachesTheModel()
    {
        var (onnx, _) = Files($$"""{"schema_version": "{{FeatureSchema.Version}}", "model_version": "hand-3", "rows": "many"}""");

        var error = Assert.Throws<CliUserException>(() => ModelPackageReader.Read(onnx, force: false, TextWriter.Null));

        Assert.StartsWith(onnx + ": ONNX Runtime cannot load or run the model", error.Message, StringComparison.Ordinal);
    }

    private (string Onnx, string Card) Files(string card)
    {
        var onnx = _dir.File("model.onnx");
        File.WriteAllBytes(onnx, NotOnnx);
        var cardPath = RankerTrainer.CardPath(onnx);
        File.WriteAllText(cardPath, card);
        return (onnx, cardPath);
    }

    private byte[] Train()
    {
        var path = _dir.File("trained.onnx");
        RankerTrainer.Train(LtrDataset.Synthetic(60, 7), new RankerTrainerOptions { Iterations = 10 }, path, Now);
        return File.ReadAllBytes(path);
    }
}
