using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using QueryRec.Core.Ranking;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace QueryRec.Api.Ranking;

/// <summary>The learned ranker's model file. Section <c>QueryRec:Ranking:Model</c>.</summary>
public sealed class RankingModelOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Ranking:Model";

    /// <summary>
    /// The ONNX model file (from <c>indexer train</c>); empty means no learned ranker: the heuristic ranks and
    /// answers are not degraded. A <c>.card.json</c> beside it gives the model version and schema version.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>How often the file (and its card) are checked for changes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Source-generated DataAnnotations validation of <see cref="RankingModelOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RankingModelOptionsValidator : IValidateOptions<RankingModelOptions>;

/// <summary>
/// One loaded and validated model: a single <see cref="InferenceSession"/> shared by all requests. Reference
/// counted: the host holds one reference while the model is current, each request one while it scores; the
/// session is disposed when the last reference is released.
/// </summary>
internal sealed class RankingModel
{
    private readonly InferenceSession _session;
    private int _references = 1;

    private RankingModel(InferenceSession session, string input, string output, string version)
    {
        _session = session;
        InputName = input;
        OutputName = output;
        Version = version;
    }

    /// <summary>The input tensor name (float [N, <see cref="FeatureSchema.Count"/>]).</summary>
    public string InputName { get; }

    /// <summary>The output tensor name (one score per row).</summary>
    public string OutputName { get; }

    /// <summary>The model version reported in responses: the card's <c>model_version</c>, else the file name.</summary>
    public string Version { get; }

    /// <summary>True once the session has been disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>Scores <paramref name="rows"/> vectors of <see cref="FeatureSchema.Count"/> floats laid out row after row.</summary>
    public float[] Score(float[] features, int rows)
    {
        var tensor = new DenseTensor<float>(features, [rows, FeatureSchema.Count]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(InputName, tensor)], [OutputName]);
        var scores = results[0].AsEnumerable<float>().ToArray();
        if (scores.Length != rows)
        {
            throw new InvalidOperationException($"The model returned {scores.Length} scores for {rows} rows.");
        }

        return scores;
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
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> and checks it against <see cref="FeatureSchema"/>: one float input of shape
    /// [N, <see cref="FeatureSchema.Count"/>], a float output giving one score per row (a probe batch is run), and,
    /// when a card sits beside it, the card's schema version.
    /// </summary>
    /// <exception cref="InvalidDataException">The model or its card does not fit the schema.</exception>
    public static RankingModel Load(string path)
    {
        var card = ReadCard(path);
        if (card.SchemaVersion is { } schema && schema != FeatureSchema.Version)
        {
            throw new InvalidDataException($"The model card says schema {schema}; this server uses {FeatureSchema.Version}.");
        }

        // Read the bytes first: the session then never holds the file open, so the file can be replaced.
        var bytes = File.ReadAllBytes(path);
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

            if (meta.Dimensions.Length != 2 || meta.Dimensions[1] != FeatureSchema.Count)
            {
                throw new InvalidDataException(
                    $"The model input {input} has shape [{string.Join(", ", meta.Dimensions)}]; [N, {FeatureSchema.Count}] is expected.");
            }

            var output = session.OutputMetadata.ContainsKey("Score.output")
                ? "Score.output"
                : session.OutputMetadata.Count == 1 ? session.OutputMetadata.Keys.Single() : throw new InvalidDataException("The model has no Score.output output.");
            if (session.OutputMetadata[output].ElementType != typeof(float))
            {
                throw new InvalidDataException($"The model output {output} is not a float tensor.");
            }

            var model = new RankingModel(session, input, output, card.ModelVersion ?? System.IO.Path.GetFileName(path));
            var probe = model.Score(new float[FeatureSchema.Count * 2], 2);
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

    private static (string? SchemaVersion, string? ModelVersion) ReadCard(string path)
    {
        var cardPath = CardPath(path);
        if (!File.Exists(cardPath))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(cardPath));
            var root = document.RootElement;
            var schema = root.TryGetProperty("schema_version", out var s) ? s.GetString() : null;
            var version = root.TryGetProperty("model_version", out var v) ? v.GetString() : null;
            if (schema is null)
            {
                throw new InvalidDataException($"The model card {cardPath} has no schema_version.");
            }

            return (schema, string.IsNullOrWhiteSpace(version) ? null : version);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The model card {cardPath} is not valid JSON.", ex);
        }
    }

    /// <summary>The card path of a model file (<c>model.onnx</c> → <c>model.card.json</c>).</summary>
    public static string CardPath(string path) => System.IO.Path.ChangeExtension(path, ".card.json");
}

/// <summary>
/// Serves the learned ranker's model: loads <see cref="RankingModelOptions.Path"/> at start, polls it and its card
/// for changes, validates a new file before swapping it in atomically, and keeps the previous model when a new one
/// is refused (logged and counted as <c>queryrec.ranking.model_refused</c>).
/// </summary>
internal sealed partial class RankingModelHost : BackgroundService
{
    /// <summary>The meter name of QueryRec's instruments.</summary>
    public const string MeterName = "QueryRec";

    /// <summary>The counter of refused model files.</summary>
    public const string RefusedCounterName = "queryrec.ranking.model_refused";

    private readonly IOptions<RankingModelOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RankingModelHost> _logger;
    private readonly Counter<long> _refused;
    private RankingModel? _current;
    private (DateTime, long, DateTime) _stamp;

    public RankingModelHost(IOptions<RankingModelOptions> options, IMeterFactory meterFactory, TimeProvider timeProvider, ILogger<RankingModelHost> logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        _refused = meter.CreateCounter<long>(RefusedCounterName, description: "Model files refused because they failed to load or to validate.");
        Path = string.IsNullOrWhiteSpace(options.Value.Path) ? null : System.IO.Path.GetFullPath(options.Value.Path);
    }

    /// <summary>The configured model file, null when no learned ranker is configured.</summary>
    public string? Path { get; }

    /// <summary>True when a model file is configured (whether or not it is loaded).</summary>
    public bool Configured => Path is not null;

    /// <summary>The current model with a reference taken (release it), or null when none is loaded.</summary>
    public RankingModel? Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref _current);
            if (model is null || model.TryAcquire())
            {
                return model;
            }

            // Swapped and released between the read and the acquire: read the new one.
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load before the host listens, so the first answers already use the model.
        CheckForChange();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Interlocked.Exchange(ref _current, null)?.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Configured)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Value.PollInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                CheckForChange();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Loads the file when it (or its card) changed since the last attempt.</summary>
    internal void CheckForChange()
    {
        if (Path is null)
        {
            return;
        }

        var file = new FileInfo(Path);
        if (!file.Exists)
        {
            return;
        }

        var card = new FileInfo(RankingModel.CardPath(Path));
        var stamp = (file.LastWriteTimeUtc, file.Length, card.Exists ? card.LastWriteTimeUtc : default);
        if (stamp == _stamp)
        {
            return;
        }

        _stamp = stamp;
        RankingModel model;
        try
        {
            model = RankingModel.Load(Path);
        }
        catch (Exception ex) when (ex is InvalidDataException or OnnxRuntimeException or IOException or UnauthorizedAccessException)
        {
            _refused.Add(1);
            ModelRefused(_logger, ex, Path, Volatile.Read(ref _current)?.Version);
            return;
        }

        var previous = Interlocked.Exchange(ref _current, model);
        previous?.Release();
        ModelActivated(_logger, model.Version, Path, previous?.Version);
    }

    [LoggerMessage(EventId = 50, EventName = "RankingModelActivated", Level = LogLevel.Information, Message = "Ranking model {Version} from {Path} is now serving (previous {Previous}).")]
    private static partial void ModelActivated(ILogger logger, string version, string path, string? previous);

    [LoggerMessage(EventId = 51, EventName = "RankingModelRefused", Level = LogLevel.Error, Message = "Refused the ranking model file {Path}; still serving {Version}.")]
    private static partial void ModelRefused(ILogger logger, Exception exception, string path, string? version);
}
