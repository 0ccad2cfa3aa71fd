using Microsoft.ML.OnnxRuntime;
using QueryRec.Core.Ranking;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// One loaded and validated model: a single <see cref="InferenceSession"/> shared by all requests. Reference
/// counted: the host holds one reference while the model is current, each request one while it scores; the
/// session is disposed when the last reference is released.
/// </summary>
internal sealed class RankingModel
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private int _references = 1;

    private readonly int _width;

    private RankingModel(InferenceSession session, string input, string output, string version, int width)
    {
        _session = session;
        _width = width;
        InputName = input;
        OutputName = output;
        Version = version;
        _inputNames = [input];
        _outputNames = [output];
    }

    /// <summary>The input tensor name (float [N, the schema's feature count]).</summary>
    public string InputName { get; }

    /// <summary>The output tensor name (one score per row).</summary>
    public string OutputName { get; }

    /// <summary>The model version reported in responses: the card's <c>model_version</c>, else the file name.</summary>
    public string Version { get; }

    /// <summary>True once the session has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>Scores <paramref name="rows"/> vectors of the schema's feature count laid out row after row.</summary>
    public float[] Score(float[] features, int rows)
    {
        var scores = new float[rows];
        Score(features, rows, scores);
        return scores;
    }

    /// <summary>
    /// Scores the first <paramref name="rows"/> vectors of <paramref name="features"/> (which may be longer, e.g. a
    /// pooled buffer) into <paramref name="scores"/>: one run over an <see cref="OrtValue"/> that wraps the caller's
    /// buffer (no copy, no tensor object).
    /// </summary>
    public void Score(float[] features, int rows, Span<float> scores)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, features.AsMemory(0, rows * _width), [rows, _width]);
        using var results = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        var output = results[0].GetTensorDataAsSpan<float>();
        if (output.Length != rows)
        {
            throw new InvalidOperationException($"The model returned {output.Length} scores for {rows} rows.");
        }

        output.CopyTo(scores);
    }

    /// <summary>Takes a reference unless the model is already disposed.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Releases a reference; the last one disposes the session.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> and checks it against <see cref="FeatureSchema"/> (see
    /// <see cref="Load(byte[], string?, string, string)"/>), with the card beside it when there is one.
    /// </summary>
    /// <exception cref="InvalidDataException">The model or its card does not fit the schema.</exception>
    /// <param name="path">The ONNX file.</param>
    /// <param name="schema">The schema it must fit; null: Suggest's <see cref="FeatureSchema"/>.</param>
    public static RankingModel Load(string path, RankingSchema? schema = null)
    {
        var cardPath = CardPath(path);
        var card = File.Exists(cardPath) ? File.ReadAllText(cardPath) : null;

        // Read the bytes first: the session then never holds the file open, so the file can be replaced.
        var bytes = File.ReadAllBytes(path);
        return Load(bytes, card, "The model card " + cardPath, System.IO.Path.GetFileName(path), schema);
    }

    /// <summary>
    /// Loads a model carried by an index version or published on its own, after checking its size and checksum;
    /// validated exactly like a file (see <see cref="Load(byte[], string?, string, string)"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">The package is corrupted or the model does not fit the schema.</exception>
    public static RankingModel Load(RankingModelPackage package, string source)
    {
        RankingModelPackages.Verify(package);
        if (package.CardJson.Length == 0 && package.SchemaVersion != FeatureSchema.Version)
        {
            throw new InvalidDataException($"The model {package.ModelVersion} from {source} says schema '{package.SchemaVersion}'; this server uses {FeatureSchema.Version}.");
        }

        var card = package.CardJson.Length == 0 ? null : package.CardJson;
        return Load(package.Onnx.ToByteArray(), card, $"The card of model {package.ModelVersion} from {source}", package.ModelVersion);
    }

    /// <summary>
    /// Loads ONNX bytes and checks them against <see cref="FeatureSchema"/>: one float input of shape
    /// [N, <see cref="FeatureSchema.Count"/>], a float output giving one score per row (a probe batch is run), and,
    /// when there is a card, the card's schema version.
    /// </summary>
    /// <param name="bytes">The ONNX model.</param>
    /// <param name="cardJson">The model card, or null.</param>
    /// <param name="cardName">How error messages name the card.</param>
    /// <param name="fallbackVersion">The version reported when the card gives none.</param>
    /// <param name="schema">The schema it must fit; null: Suggest's <see cref="FeatureSchema"/>.</param>
    /// <exception cref="InvalidDataException">The model or its card does not fit the schema.</exception>
    public static RankingModel Load(byte[] bytes, string? cardJson, string cardName, string fallbackVersion, RankingSchema? schema = null)
    {
        schema ??= FeatureSchema.Schema;
        var width = schema.Count;
        var card = cardJson is null ? null : ReadCard(cardJson, cardName);
        if (card is not null && !card.IsFor(schema))
        {
            throw new InvalidDataException($"The model card says schema {card.SchemaVersion}; this server uses {schema.Version}.");
        }

        var version = string.IsNullOrWhiteSpace(card?.ModelVersion) ? fallbackVersion : card.ModelVersion;

        using var sessionOptions = new OrtSessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        var session = new InferenceSession(bytes, sessionOptions);
        try
        {
            if (session.InputMetadata.Count != 1)
            {
                throw new InvalidDataException($"The model has {session.InputMetadata.Count} inputs; one is expected.");
            }

            var (input, meta) = session.InputMetadata.Single();
            if (!meta.IsTensor || meta.ElementType != typeof(float))
            {
                throw new InvalidDataException($"The model input {input} is not a float tensor.");
            }

            if (meta.Dimensions.Length != 2 || meta.Dimensions[1] != width)
            {
                throw new InvalidDataException(
                    $"The model input {input} has shape [{string.Join(", ", meta.Dimensions)}]; [N, {width}] is expected.");
            }

            var output = session.OutputMetadata.ContainsKey("Score.output")
                ? "Score.output"
                : session.OutputMetadata.Count == 1 ? session.OutputMetadata.Keys.Single() : throw new InvalidDataException("The model has no Score.output output.");
            if (session.OutputMetadata[output].ElementType != typeof(float))
            {
                throw new InvalidDataException($"The model output {output} is not a float tensor.");
            }

            var model = new RankingModel(session, input, output, version, width);
            var probe = model.Score(new float[width * 2], 2);
            if (!probe.All(float.IsFinite))
            {
                throw new InvalidDataException("The model scores a zero vector as non-finite.");
            }

            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static ModelCard ReadCard(string json, string cardName)
    {
        try
        {
            return ModelCard.Parse(json);
        }
        catch (ModelCardException ex)
        {
            throw ex.Problem switch
            {
                ModelCardProblem.NotJson => new InvalidDataException($"{cardName} is not valid JSON.", ex.InnerException),
                ModelCardProblem.NotObject => new InvalidDataException($"{cardName} is not a JSON object."),
                _ => new InvalidDataException($"{cardName} has no schema_version."),
            };
        }
    }

    /// <summary>The card path of a model file (<c>model.onnx</c> → <c>model.card.json</c>).</summary>
    public static string CardPath(string path) => System.IO.Path.ChangeExtension(path, ".card.json");
}
