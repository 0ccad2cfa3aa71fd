using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using QueryRec.Serving.Telemetry;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// Holds the active experiments configuration and assigns callers to arms. The configuration is section
/// <c>QueryRec:Experiments</c>, or the JSON file <c>QueryRec:Experiments:File</c> when set (a mounted ConfigMap; the
/// path itself is read once at start). Both are watched: a change is read, checked (bounds, names, shares, override
/// keys, and every arm's effective options through the options validators) and activated as a new generation; a bad
/// one is refused, logged and counted (<c>queryrec.experiments.reload_refused</c>) and the last good configuration
/// stays. A bad configuration at start stops the host.
/// </summary>
internal sealed partial class ExperimentRegistry : IHostedService, IDisposable
{
    /// <summary>Arm combinations whose effective options are cached per generation; more are built per request.</summary>
    private const int MaxCachedCombinations = 4096;

    private readonly IConfiguration _configuration;
    private readonly ExperimentOptionsBinder _binder;
    private readonly ExperimentModels _models;
    private readonly ILogger<ExperimentRegistry> _logger;
    private readonly QueryRecInstrumentation _instrumentation;
    private readonly string? _filePath;
    private readonly IConfigurationRoot? _file;
    private readonly PhysicalFileProvider? _fileProvider;
    private readonly Lock _reloadGate = new();
    private IDisposable[] _subscriptions = [];
    private Exception? _loadError;
    private Exception? _fileError;
    private volatile State _state;

    public ExperimentRegistry(
        IConfiguration configuration,
        ExperimentOptionsBinder binder,
        ExperimentModels models,
        QueryRecInstrumentation instrumentation,
        ILogger<ExperimentRegistry> logger)
    {
        _configuration = configuration;
        _binder = binder;
        _models = models;
        _logger = logger;
        _instrumentation = instrumentation;

        var path = configuration[ExperimentConfig.Section + ":" + ExperimentConfig.FileKey];
        if (!string.IsNullOrWhiteSpace(path))
        {
            _filePath = Path.GetFullPath(path);
            if (!File.Exists(_filePath))
            {
                throw new OptionsValidationException(ExperimentConfig.Section, typeof(ExperimentConfig), [$"{ExperimentConfig.Section}:File '{_filePath}' does not exist."]);
            }

            // Any file name: the default filters hide dot-prefixed files, which would read as no experiments at all.
            _fileProvider = new PhysicalFileProvider(Path.GetDirectoryName(_filePath)!, ExclusionFilters.None);
            var source = new JsonConfigurationSource
            {
                FileProvider = _fileProvider,
                Path = Path.GetFileName(_filePath),
                Optional = true,
                ReloadOnChange = true,
                ReloadDelay = 100,
                OnLoadException = context =>
                {
                    // The error of the load in progress (see FileLoaded); never thrown on the watcher's thread.
                    Volatile.Write(ref _loadError, context.Exception);
                    context.Ignore = true;
                },
            };
            _file = new ConfigurationBuilder().Add(source).Build();
            _fileError = Interlocked.Exchange(ref _loadError, null);
        }

        var errors = new List<string>();
        var (config, fingerprint) = Read(errors);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(ExperimentConfig.Section, typeof(ExperimentConfig), errors.Select(static e => $"{ExperimentConfig.Section}: {e}"));
        }

        _state = new State(1, config, fingerprint);
        _models.Want(config.ModelIds());
    }

    /// <summary>The active configuration.</summary>
    public ExperimentConfig Config => _state.Config;

    /// <summary>The active generation: 1 at start, one more per activated reload.</summary>
    public long Generation => _state.Generation;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        IDisposable[] subscriptions = _file is null
            ? [ChangeToken.OnChange(_configuration.GetReloadToken, Reload)]
            : [ChangeToken.OnChange(_configuration.GetReloadToken, Reload), ChangeToken.OnChange(_file.GetReloadToken, FileLoaded)];
        foreach (var previous in Interlocked.Exchange(ref _subscriptions, subscriptions))
        {
            previous.Dispose();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // Called by StopAsync and again by the container: each subscription is disposed once.
        foreach (var subscription in Interlocked.Exchange(ref _subscriptions, []))
        {
            subscription.Dispose();
        }

        _fileProvider?.Dispose();
    }

    /// <summary>
    /// The assignment of a caller: per layer the QA override when <paramref name="forced"/> names the layer (checked
    /// by the pipeline (<see cref="ForcedArms"/>) against <see cref="ExperimentLayer.AllowOverride"/>), else the arm of the
    /// subject's bucket; no subject (neither user nor device id) means no arm.
    /// </summary>
    public ExperimentAssignment Assign(string? userId, string? deviceId, IReadOnlyDictionary<string, string>? forced = null)
    {
        var state = _state;
        if (state.Config.Layers.Count == 0)
        {
            return ExperimentAssignment.None;
        }

        var subject = RealtimeSubject.Of(userId, deviceId);
        List<(string Layer, string Arm)>? arms = null;
        foreach (var layer in state.Config.Layers)
        {
            ExperimentArm? arm;
            if (forced is not null && forced.TryGetValue(layer.Name, out var forcedArm))
            {
                arm = layer.Arm(forcedArm);
            }
            else
            {
                arm = subject is null ? null : layer.ArmOf(ExperimentBucketing.Bucket(subject, layer.Salt));
            }

            if (arm is not null)
            {
                (arms ??= []).Add((layer.Name, arm.Name));
            }
        }

        return arms is null ? ExperimentAssignment.None : state.Effective(arms, this);
    }

    /// <summary>
    /// After every load of the file: its error, or none, is the file's state until the next load. It stays when the
    /// host configuration reloads in between: a refused file has no data left, which must not read as no experiments.
    /// </summary>
    private void FileLoaded()
    {
        Volatile.Write(ref _fileError, Interlocked.Exchange(ref _loadError, null));
        Reload();
    }

    /// <summary>Re-reads the configuration after a change; activates it, or refuses it and keeps the last good one.</summary>
    internal void Reload()
    {
        lock (_reloadGate)
        {
            var errors = new List<string>();
            var (config, fingerprint) = Read(errors);
            var current = _state;
            if (errors.Count > 0)
            {
                _instrumentation.ExperimentReloadRefused();
                ReloadRefused(_logger, current.Generation, string.Join(" | ", errors));
                return;
            }

            if (string.Equals(fingerprint, current.Fingerprint, StringComparison.Ordinal))
            {
                return;
            }

            _state = new State(current.Generation + 1, config, fingerprint);
            _models.Want(config.ModelIds());
            ReloadActivated(_logger, current.Generation + 1, config.Layers.Count, string.Join(", ", config.Layers.Select(static l => $"{l.Name}[{string.Join('/', l.Arms.Select(static a => $"{a.Name} {a.Share}%"))}]")));
        }
    }

    /// <summary>Reads and checks the configuration; <paramref name="errors"/> collects every problem.</summary>
    private (ExperimentConfig Config, string Fingerprint) Read(List<string> errors)
    {
        if (_filePath is not null && !File.Exists(_filePath))
        {
            errors.Add($"File: '{_filePath}' does not exist.");
            return (ExperimentConfig.Empty, string.Empty);
        }

        if (Volatile.Read(ref _fileError) is { } fileError)
        {
            errors.Add($"File: '{_filePath}': {LoadProblem(fileError)}");
            return (ExperimentConfig.Empty, string.Empty);
        }

        IConfiguration section = _file is null ? _configuration.GetSection(ExperimentConfig.Section) : _file;
        var config = ExperimentConfigReader.Read(section, errors);
        if (errors.Count > 0)
        {
            return (config, string.Empty);
        }

        // Every arm's options alone (combinations across layers are checked when first used).
        foreach (var layer in config.Layers)
        {
            foreach (var arm in layer.Arms)
            {
                var armErrors = new List<string>();
                _binder.Bind([(layer.Name, arm.Name)], arm.Overrides, armErrors);
                errors.AddRange(armErrors.Select(e => $"layer '{layer.Name}' arm '{arm.Name}': {e}"));
            }
        }

        var models = config.ModelIds();
        if (models.Count > ExperimentModels.MaxModels)
        {
            errors.Add($"the arms name {models.Count} distinct models (Ranking:ModelId); at most {ExperimentModels.MaxModels} are loaded besides the default one.");
        }

        // The fingerprint also covers the base sections the overrides bind over.
        var fingerprint = new StringBuilder();
        foreach (var (key, value) in section.AsEnumerable().Concat(_configuration.GetSection("QueryRec").AsEnumerable()).OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            fingerprint.Append(key).Append('=').Append(value).Append('\n');
        }

        return (config, fingerprint.ToString());
    }

    /// <summary>
    /// The problem of a failed load of the file: the JSON parser's, with its line, or the configuration's (a top level
    /// that is not an object, a key given twice).
    /// </summary>
    private static string LoadProblem(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return $"line {(json.LineNumber ?? 0) + 1}: not valid JSON ({json.Message.Split('.')[0]}).";
            }
        }

        return error.InnerException?.Message ?? error.Message;
    }

    [LoggerMessage(EventId = 70, EventName = "ExperimentsReloaded", Level = LogLevel.Information, Message = "Experiment configuration generation {Generation} is active: {Layers} layers ({Summary}).")]
    private static partial void ReloadActivated(ILogger logger, long generation, int layers, string summary);

    [LoggerMessage(EventId = 71, EventName = "ExperimentsReloadRefused", Level = LogLevel.Warning, Message = "Refused the experiment configuration reload; generation {Generation} stays active. Problems: {Errors}")]
    private static partial void ReloadRefused(ILogger logger, long generation, string errors);

    [LoggerMessage(EventId = 72, EventName = "ExperimentCombinationInvalid", Level = LogLevel.Warning, Message = "The arms {Arms} are valid alone but not together ({Errors}); their callers are served the base options, degraded experiment_invalid.")]
    private static partial void CombinationInvalid(ILogger logger, string arms, string errors);

    /// <summary>One generation: the configuration and the effective options of the arm combinations seen so far.</summary>
    private sealed class State(long generation, ExperimentConfig config, string fingerprint)
    {
        private readonly ConcurrentDictionary<string, ExperimentAssignment> _effective = new(StringComparer.Ordinal);

        public long Generation { get; } = generation;

        public ExperimentConfig Config { get; } = config;

        public string Fingerprint { get; } = fingerprint;

        public ExperimentAssignment Effective(List<(string Layer, string Arm)> arms, ExperimentRegistry registry)
        {
            var key = string.Join(',', arms.Select(static a => a.Layer + ":" + a.Arm));
            if (_effective.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (layer, arm) in arms)
            {
                foreach (var (k, v) in Config.Layer(layer)!.Arm(arm)!.Overrides)
                {
                    overrides[k] = v;
                }
            }

            var errors = new List<string>();
            var assignment = registry._binder.Bind(arms, overrides, errors);
            if (errors.Count > 0)
            {
                CombinationInvalid(registry._logger, key, string.Join(" | ", errors));
                assignment = new ExperimentAssignment(arms, null, null, null, null, null, null, "experiment_invalid");
            }

            if (_effective.Count < MaxCachedCombinations)
            {
                _effective.TryAdd(key, assignment);
            }

            return assignment;
        }
    }
}
