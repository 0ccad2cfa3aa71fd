using Microsoft.Extensions.Options;
using QueryRec.Core.Ranking;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// Holds the Discover ranker's model (<see cref="DiscoveryRankingOptions.ModelPath"/>): loaded on first use, reloaded
/// when the path or the file's write time changes (checked at most every poll interval), refused when it does not fit
/// <see cref="DiscoveryFeatureSchema"/>. A refused or missing file keeps serving the last good model of the same path,
/// else nothing: callers then order by the heuristic and flag the answer degraded.
/// </summary>
internal sealed class DiscoveryModelHost(IOptionsMonitor<DiscoveryRankingOptions> options, TimeProvider timeProvider, ILogger<DiscoveryModelHost> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private RankingModel? _model;
    private string? _path;
    private DateTime _stamp;
    private long _checkedAt = long.MinValue;

    /// <summary>
    /// The model for one call, with a reference the caller must <see cref="RankingModel.Release"/>; null when none
    /// serves. <paramref name="unavailable"/> is true when a model is configured but none could be loaded.
    /// </summary>
    public RankingModel? Acquire(out bool unavailable)
    {
        var current = options.CurrentValue;
        var path = string.IsNullOrWhiteSpace(current.ModelPath) ? null : current.ModelPath;
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            if (_checkedAt == long.MinValue || path != _path || timeProvider.GetElapsedTime(_checkedAt, now) >= current.PollInterval)
            {
                Refresh(path);
                _checkedAt = now;
            }

            unavailable = path is not null && _model is null;
            return _model is { } model && model.TryAcquire() ? model : null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _model?.Release();
            _model = null;
        }
    }

    private void Refresh(string? path)
    {
        if (path is null)
        {
            Replace(null, null, default);
            return;
        }

        var stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;
        if (path == _path && stamp == _stamp)
        {
            return;
        }

        if (stamp == default)
        {
            RankingLog.DiscoveryModelMissing(logger, path);
            if (path != _path)
            {
                Replace(null, path, stamp);
            }

            return;
        }

        try
        {
            var model = RankingModel.Load(path, DiscoveryFeatureSchema.Schema);
            RankingLog.DiscoveryModelActivated(logger, model.Version, path);
            Replace(model, path, stamp);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            RankingLog.DiscoveryModelRefused(logger, ex, path);
            _stamp = stamp;
            if (path != _path)
            {
                Replace(null, path, stamp);
            }
        }
    }

    private void Replace(RankingModel? model, string? path, DateTime stamp)
    {
        _model?.Release();
        _model = model;
        _path = path;
        _stamp = stamp;
    }
}
