using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using QueryRec.Core.Ranking;
using QueryRec.Serving.Index;
using QueryRec.Serving.Resilience;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using OrtSessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace QueryRec.Serving.Ranking;

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
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private int _references = 1;

    private RankingModel(InferenceSession session, string input, string output, string version)
    {
        _session = session;
        InputName = input;
        OutputName = output;
        Version = version;
        _inputNames = [input];
        _outputNames = [output];
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
            OrtMemoryInfo.DefaultInstance, features.AsMemory(0, rows * FeatureSchema.Count), [rows, FeatureSchema.Count]);
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
    public static RankingModel Load(string path)
    {
        var cardPath = CardPath(path);
        var card = File.Exists(cardPath) ? File.ReadAllText(cardPath) : null;

        // Read the bytes first: the session then never holds the file open, so the file can be replaced.
        var bytes = File.ReadAllBytes(path);
        return Load(bytes, card, "The model card " + cardPath, System.IO.Path.GetFileName(path));
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
    /// <exception cref="InvalidDataException">The model or its card does not fit the schema.</exception>
    public static RankingModel Load(byte[] bytes, string? cardJson, string cardName, string fallbackVersion)
    {
        var card = cardJson is null ? (null, null) : ReadCard(cardJson, cardName);
        if (card.SchemaVersion is { } schema && schema != FeatureSchema.Version)
        {
            throw new InvalidDataException($"The model card says schema {schema}; this server uses {FeatureSchema.Version}.");
        }

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

            var model = new RankingModel(session, input, output, card.ModelVersion ?? fallbackVersion);
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

    private static (string? SchemaVersion, string? ModelVersion) ReadCard(string json, string cardName)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{cardName} is not a JSON object.");
            }

            var schema = root.TryGetProperty("schema_version", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var version = root.TryGetProperty("model_version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (schema is null)
            {
                throw new InvalidDataException($"{cardName} has no schema_version.");
            }

            return (schema, string.IsNullOrWhiteSpace(version) ? null : version);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{cardName} is not valid JSON.", ex);
        }
    }

    /// <summary>The card path of a model file (<c>model.onnx</c> → <c>model.card.json</c>).</summary>
    public static string CardPath(string path) => System.IO.Path.ChangeExtension(path, ".card.json");
}

/// <summary>
/// Serves the learned ranker's model, from the first of these sources that gives one (docs/ranking.md, "Publishing
/// a model"): the file <see cref="RankingModelOptions.Path"/> (ops override; polled for changes), else the model
/// published on its own (<see cref="IRankingModelSource"/>, Redis), else the model carried by the active index version,
/// else none (the heuristic ranks, not degraded). A new model is validated before it is swapped in atomically; one
/// that is refused is logged and counted as <c>queryrec.ranking.model_refused</c> and the previous model keeps
/// serving. A source that cannot be read (Redis down) changes nothing.
/// </summary>
internal sealed partial class RankingModelHost : BackgroundService
{
    /// <summary>The meter name of QueryRec's instruments.</summary>
    public const string MeterName = "QueryRec";

    /// <summary>The counter of refused model files.</summary>
    public const string RefusedCounterName = "queryrec.ranking.model_refused";

    private readonly IOptions<RankingModelOptions> _options;
    private readonly ActiveIndex _activeIndex;
    private readonly IRankingModelSource _published;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RankingModelHost> _logger;
    private readonly Counter<long> _refused;
    private readonly FailureStreak _sourceFailures;
    private RankingModel? _current;
    private (DateTime, long, DateTime) _stamp;
    private string? _wanted;
    private volatile bool _expected;

    public RankingModelHost(
        IOptions<RankingModelOptions> options,
        ActiveIndex activeIndex,
        IRankingModelSource published,
        IMeterFactory meterFactory,
        TimeProvider timeProvider,
        ILogger<RankingModelHost> logger)
    {
        _options = options;
        _activeIndex = activeIndex;
        _published = published;
        _timeProvider = timeProvider;
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        _sourceFailures = new FailureStreak("Ranking model source check", timeProvider);
        _refused = meter.CreateCounter<long>(RefusedCounterName, description: "Ranking models refused because they failed to load or to validate.");
        Path = string.IsNullOrWhiteSpace(options.Value.Path) ? null : System.IO.Path.GetFullPath(options.Value.Path);
        _expected = Path is not null;
    }

    /// <summary>The configured model file (the ops override), null when none is configured.</summary>
    public string? Path { get; }

    /// <summary>
    /// True when a model is expected: a file is configured, or a model is published on its own, or the active index
    /// carries one. An expected model that is not loaded degrades answers (<c>model_unavailable</c>).
    /// </summary>
    public bool Configured => _expected;

    /// <summary>The version of the model being served, null when none is loaded (the heuristic ranks).</summary>
    public string? CurrentVersion => Volatile.Read(ref _current)?.Version;

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
        // Load before the host listens, so the first answers already use the model (the index watcher starts first).
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Interlocked.Exchange(ref _current, null)?.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.PollInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One poll: the file when one is configured, else the published model or the index's model.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (Path is not null)
        {
            CheckForChange();
            return;
        }

        try
        {
            await CheckStoresAsync(cancellationToken);
            _sourceFailures.Succeeded(_logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Redis down or slow: keep serving what is loaded, try again at the next poll.
            _sourceFailures.Failed(_logger, ex, (l, e) => ModelSourceFailed(l, e, Volatile.Read(ref _current)?.Version));
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
        TryActivate(Path, () => RankingModel.Load(Path));
    }

    /// <summary>
    /// Resolves which stored model is wanted (published on its own, else the active index's), and loads it when that
    /// changed since the last attempt. A refused model is not retried until the wanted one changes.
    /// </summary>
    private async Task CheckStoresAsync(CancellationToken cancellationToken)
    {
        string? wanted = null;
        Func<Task<RankingModelPackage?>>? read = null;
        var id = await _published.GetActiveModelIdAsync(cancellationToken);
        if (id is not null)
        {
            wanted = "published model " + id;
            read = () => _published.GetModelAsync(id, cancellationToken);
        }
        else if (_activeIndex.Current is { Info.RankingModelVersion.Length: > 0 } index)
        {
            wanted = $"index {index.Version} (model {index.Info.RankingModelVersion})";
            read = async () => await index.Snapshot.GetRankingModelAsync(cancellationToken);
        }

        if (string.Equals(wanted, _wanted, StringComparison.Ordinal))
        {
            return;
        }

        if (wanted is null)
        {
            // Nothing published and the index carries no model: the heuristic ranks, not degraded.
            _wanted = null;
            _expected = false;
            var previous = Interlocked.Exchange(ref _current, null);
            if (previous is not null)
            {
                previous.Release();
                ModelCleared(_logger, previous.Version);
            }

            return;
        }

        _expected = true;
        RankingModelPackage? package;
        try
        {
            package = await read!();
        }
        catch (InvalidDataException ex)
        {
            _wanted = wanted;
            Refuse(ex, wanted);
            return;
        }

        if (package is null)
        {
            // Pointer moved but the package is not readable yet (or was just deleted): retry at the next poll.
            ModelMissing(_logger, wanted, Volatile.Read(ref _current)?.Version);
            return;
        }

        _wanted = wanted;
        TryActivate(wanted, () => RankingModel.Load(package, wanted));
    }

    private void TryActivate(string source, Func<RankingModel> load)
    {
        RankingModel model;
        try
        {
            model = load();
        }
        catch (Exception ex) when (ex is InvalidDataException or OnnxRuntimeException or IOException or UnauthorizedAccessException)
        {
            Refuse(ex, source);
            return;
        }

        var previous = Interlocked.Exchange(ref _current, model);
        previous?.Release();
        ModelActivated(_logger, model.Version, source, previous?.Version);
    }

    private void Refuse(Exception ex, string source)
    {
        _refused.Add(1);
        ModelRefused(_logger, ex, source, Volatile.Read(ref _current)?.Version);
    }

    [LoggerMessage(EventId = 50, EventName = "RankingModelActivated", Level = LogLevel.Information, Message = "Ranking model {Version} from {Path} is now serving (previous {Previous}).")]
    private static partial void ModelActivated(ILogger logger, string version, string path, string? previous);

    [LoggerMessage(EventId = 51, EventName = "RankingModelRefused", Level = LogLevel.Error, Message = "Refused the ranking model from {Path}; still serving {Version}.")]
    private static partial void ModelRefused(ILogger logger, Exception exception, string path, string? version);

    [LoggerMessage(EventId = 52, EventName = "RankingModelSourceFailed", Level = LogLevel.Warning, Message = "Could not read the ranking model source; still serving {Version}.")]
    private static partial void ModelSourceFailed(ILogger logger, Exception exception, string? version);

    [LoggerMessage(EventId = 53, EventName = "RankingModelMissing", Level = LogLevel.Warning, Message = "The ranking model of {Source} is not readable yet; still serving {Version}.")]
    private static partial void ModelMissing(ILogger logger, string source, string? version);

    [LoggerMessage(EventId = 54, EventName = "RankingModelCleared", Level = LogLevel.Information, Message = "No ranking model is published or carried by the index; model {Previous} stopped serving, the heuristic ranks.")]
    private static partial void ModelCleared(ILogger logger, string previous);
}
