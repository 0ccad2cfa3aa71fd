using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Commands;
using QueryRec.Serving.Ranking;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Ranking;

/// <summary>
/// Reads an ONNX model and the card beside it (<c>model.card.json</c>) into a <see cref="RankingModelPackage"/> for
/// <c>build --model</c> and <c>publish-model</c>, refusing what a server would refuse: a missing file or card, a model
/// over <see cref="RankingModelPackages.MaxOnnxBytes"/>, a card that is not valid JSON (with its line) or names another
/// schema, a model that ONNX Runtime cannot load, whose input is not float [N, <see cref="FeatureSchema.Count"/>] or
/// that scores a probe batch as non-finite.
/// </summary>
internal static class ModelPackageReader
{
    /// <summary>
    /// Reads and validates <paramref name="onnxPath"/> and its card, and applies the publish-time guard: a card whose
    /// held-out comparison (<see cref="ModelGuard"/>) says the model loses to the heuristic is refused unless
    /// <paramref name="force"/>; a card without one (trained without <c>--events</c>) passes with a warning.
    /// </summary>
    /// <param name="warnings">Where the guard's warnings go (standard error).</param>
    /// <exception cref="CliUserException">The model or card is missing or invalid, or the guard refuses the model.</exception>
    public static RankingModelPackage Read(string onnxPath, bool force, TextWriter warnings)
    {
        if (!File.Exists(onnxPath))
        {
            throw new CliUserException($"model file not found: {onnxPath}");
        }

        var length = new FileInfo(onnxPath).Length;
        if (length is 0 or > RankingModelPackages.MaxOnnxBytes)
        {
            throw new CliUserException($"{onnxPath}: the model has {BuildCommand.N(length)} bytes; 1 to {BuildCommand.N(RankingModelPackages.MaxOnnxBytes)} (64 MiB) are allowed.");
        }

        var cardPath = RankerTrainer.CardPath(onnxPath);
        if (!File.Exists(cardPath))
        {
            throw new CliUserException($"model card not found: {cardPath} (indexer train writes it beside the model).");
        }

        if (new FileInfo(cardPath).Length > RankingModelPackages.MaxCardBytes)
        {
            throw new CliUserException($"{cardPath}: the model card is larger than {BuildCommand.N(RankingModelPackages.MaxCardBytes)} bytes.");
        }

        var cardJson = File.ReadAllText(cardPath);
        var card = ReadCard(cardJson, cardPath);
        var (schema, version) = (card.SchemaVersion, card.ModelVersion!);
        if (schema != FeatureSchema.Version)
        {
            throw new CliUserException($"{cardPath}: schema_version is '{schema}'; this indexer and its servers use '{FeatureSchema.Version}'.");
        }

        var onnx = File.ReadAllBytes(onnxPath);
        Validate(onnx, cardJson, cardPath, version, onnxPath);
        Guard(card, cardPath, force, warnings);
        return RankingModelPackages.Create(version, schema, onnx, cardJson);
    }

    private static void Guard(ModelCard card, string cardPath, bool force, TextWriter warnings)
    {
        switch (card.Guard)
        {
            case null:
                warnings.WriteLine($"warning: {cardPath} has no guard figures (trained without --events or with --guard-window 0): not compared with the heuristic.");
                break;
            case { Passed: true }:
                break;
            case var guard when force:
                warnings.WriteLine($"warning: model {card.ModelVersion} loses to the heuristic on its held-out window ({Losses(guard)}); published because of --force.");
                break;
            case var guard:
                throw new CliUserException($"{cardPath}: model {card.ModelVersion} loses to the heuristic on its held-out window ({Losses(guard)}); retrain it, or give --force to publish it anyway.");
        }
    }

    private static string Losses(ModelGuard guard)
        => guard.Losses is { Count: > 0 } losses ? string.Join("; ", losses) : "the card says it did not pass";

    private static ModelCard ReadCard(string json, string cardPath)
    {
        ModelCard card;
        try
        {
            card = ModelCard.Parse(json);
        }
        catch (ModelCardException ex)
        {
            throw ex switch
            {
                { Problem: ModelCardProblem.NotJson, InnerException: JsonException invalid } => new CliUserException(
                    $"{cardPath}:{(invalid.LineNumber ?? 0) + 1}: the model card is not valid JSON: {IndexerCli.FirstLine(invalid.Message)}"),
                { Problem: ModelCardProblem.NotObject } => new CliUserException($"{cardPath}: the model card is not a JSON object."),
                _ => new CliUserException($"{cardPath}: the model card has no schema_version."),
            };
        }

        if (string.IsNullOrWhiteSpace(card.SchemaVersion))
        {
            throw new CliUserException($"{cardPath}: the model card has no schema_version.");
        }

        if (string.IsNullOrWhiteSpace(card.ModelVersion) || card.ModelVersion.Length > 128)
        {
            throw new CliUserException($"{cardPath}: the model card has no model_version (1 to 128 characters).");
        }

        return card;
    }

    /// <summary>
    /// Loads the model exactly as a server does (<see cref="RankingModel.Load(byte[], string?, string, string)"/>: one
    /// float input [N, <see cref="FeatureSchema.Count"/>], a float output, a finite score per row of a probe batch).
    /// </summary>
    private static void Validate(byte[] onnx, string cardJson, string cardPath, string version, string onnxPath)
    {
        RankingModel model;
        try
        {
            model = RankingModel.Load(onnx, cardJson, "The model card " + cardPath, version);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CliUserException($"{onnxPath}: ONNX Runtime cannot load or run the model: {IndexerCli.FirstLine(ex.Message)}");
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidCastException or InvalidOperationException)
        {
            throw new CliUserException($"{onnxPath}: {IndexerCli.FirstLine(ex.Message)}");
        }

        model.Release();
    }
}
