using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using QueryRec.Serving.Index;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// Serves the learned ranker's model, from the first of these sources that gives one (docs/ranking.md, "Publishing
/// a model"): the file <see cref="RankingModelOptions.Path"/> (ops override; polled for changes), else the model
/// published on its own (<see cref="IRankingModelSource"/>, Redis), else the model carried by the active index version,
/// else none (the heuristic ranks, not degraded). A new model is validated before it is swapped in atomically; one
/// that is refused is logged and counted as <c>queryrec.ranking.model_refused</c> and the previous model keeps
/// serving. A source that cannot be read (Redis down) changes nothing.
/// </summary>
internal sealed class RankingModelHost : BackgroundService
{
    private readonly IOptions<RankingModelOptions> _options;
    private readonly ActiveIndex _activeIndex;
    private readonly IRankingModelSource _published;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RankingModelHost> _logger;
    private readonly QueryRecInstrumentation _instrumentation;
    private readonly FailureStreak _sourceFailures;
    private RankingModel? _current;
    private (DateTime, long, DateTime) _stamp;
    private string? _wanted;
    private volatile bool _expected;

    public RankingModelHost(
        IOptions<RankingModelOptions> options,
        ActiveIndex activeIndex,
        IRankingModelSource published,
        QueryRecInstrumentation instrumentation,
        TimeProvider timeProvider,
        ILogger<RankingModelHost> logger)
    {
        _options = options;
        _activeIndex = activeIndex;
        _published = published;
        _timeProvider = timeProvider;
        _logger = logger;
        _sourceFailures = new FailureStreak("Ranking model source check", timeProvider);
        _instrumentation = instrumentation;
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
            _sourceFailures.Failed(_logger, ex, (l, e) => RankingLog.ModelSourceFailed(l, e, Volatile.Read(ref _current)?.Version));
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
                RankingLog.ModelCleared(_logger, previous.Version);
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
            RankingLog.ModelMissing(_logger, wanted, Volatile.Read(ref _current)?.Version);
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
        RankingLog.ModelActivated(_logger, model.Version, source, previous?.Version);
    }

    private void Refuse(Exception ex, string source)
    {
        _instrumentation.ModelRefused();
        RankingLog.ModelRefused(_logger, ex, source, Volatile.Read(ref _current)?.Version);
    }
}
