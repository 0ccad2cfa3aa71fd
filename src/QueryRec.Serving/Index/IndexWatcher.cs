using Microsoft.Extensions.Options;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Time;
using QueryRec.Storage.Embedded;

namespace QueryRec.Serving.Index;

/// <summary>
/// Keeps <see cref="ActiveIndex"/> on the store's active version: it subscribes to publish announcements,
/// polls as a fallback, and, for the embedded store, loads the index file at start and again whenever it
/// changes. A failed refresh or a bad file keeps the current version serving.
/// </summary>
internal sealed class IndexWatcher(
    ActiveIndex activeIndex,
    IOptions<StoreOptions> options,
    TimeProvider timeProvider,
    EventClock eventClock,
    ILogger<IndexWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _refreshSignal = new(0, 1);
    private readonly FailureStreak _refreshFailures = new($"Index refresh from store {activeIndex.Store.Name}", timeProvider);
    private DateTime _fileStamp;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Load the embedded file before the host starts listening, so the demo is ready at once.
        LoadFileIfChanged();
        await RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SubscribeAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var timeout = new CancellationTokenSource(options.Value.PollInterval, timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken))
            {
                try
                {
                    await _refreshSignal.WaitAsync(linked.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The poll interval elapsed.
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            LoadFileIfChanged();
            await RefreshAsync(stoppingToken);
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await activeIndex.Store.SubscribeAsync(_ => Signal(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            IndexLog.SubscribeFailed(logger, ex, activeIndex.Store.Name);
        }
    }

    private void Signal()
    {
        if (_refreshSignal.CurrentCount == 0)
        {
            try
            {
                _refreshSignal.Release();
            }
            catch (SemaphoreFullException)
            {
                // A refresh is already pending.
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var version = await activeIndex.Store.GetActiveVersionAsync(cancellationToken);
            if (version is not null)
            {
                var (switched, previous) = await activeIndex.TryActivateAsync(version, cancellationToken);
                if (switched)
                {
                    if (eventClock.Replay is { } replay && activeIndex.Current is { Info.AnchorUnixMs: > 0 } current)
                    {
                        replay.StartAt(DateTimeOffset.FromUnixTimeMilliseconds(current.Info.AnchorUnixMs));
                    }

                    IndexLog.IndexActivated(logger, version, activeIndex.Store.Name, previous);
                }
            }

            _refreshFailures.Succeeded(logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _refreshFailures.Failed(logger, ex, (l, e) => IndexLog.IndexRefreshFailed(l, e, activeIndex.Store.Name, activeIndex.Current?.Version));
        }
    }

    private void LoadFileIfChanged()
    {
        var path = options.Value.IndexPath;
        if (activeIndex.Store is not EmbeddedIndexStore embedded || string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        try
        {
            var stamp = File.GetLastWriteTimeUtc(path);
            if (stamp == _fileStamp)
            {
                return;
            }

            embedded.LoadFile(path);
            _fileStamp = stamp;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException)
        {
            IndexLog.IndexFileLoadFailed(logger, ex, path, activeIndex.Current?.Version);
        }
    }

    public override void Dispose()
    {
        _refreshSignal.Dispose();
        base.Dispose();
    }
}
