using System.Collections.Concurrent;
using QueryRec.Serving.Ranking;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// The published models arms rank with (<c>Ranking:ModelId</c>: a model id, or the model version of a retained
/// model published on its own), loaded from the model store
/// (<see cref="IRankingModelSource"/>) in the background when a configuration naming them is activated: at most
/// <see cref="MaxModels"/> besides the default model. A model that is not loaded (yet, or it failed: missing,
/// corrupted, wrong schema) is not served: the answer is degraded <c>experiment_model_unavailable:{id}</c> and the
/// default model or the heuristic ranks. A failed load is retried after <see cref="RetryAfter"/>.
/// </summary>
internal sealed partial class ExperimentModels(IRankingModelSource source, TimeProvider timeProvider, ILogger<ExperimentModels> logger) : IDisposable
{
    /// <summary>At most this many distinct arm models per configuration.</summary>
    public const int MaxModels = 4;

    /// <summary>How long after a failed load the next request may try again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Keeps (and starts loading) exactly the models of <paramref name="ids"/>; the others are released.</summary>
    public void Want(IReadOnlyList<string> ids)
    {
        foreach (var (id, entry) in _entries)
        {
            if (!ids.Contains(id, StringComparer.Ordinal) && _entries.TryRemove(id, out _))
            {
                entry.Drop();
            }
        }

        foreach (var id in ids)
        {
            var entry = _entries.GetOrAdd(id, static _ => new Entry());
            StartLoad(id, entry);
        }
    }

    /// <summary>The loaded model <paramref name="id"/> with a reference taken (release it), or null.</summary>
    public RankingModel? Acquire(string id)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return null;
        }

        var model = Volatile.Read(ref entry.Model);
        if (model is not null && model.TryAcquire())
        {
            return model;
        }

        if (entry.FailedAt is { } failed && timeProvider.GetUtcNow() - failed >= RetryAfter)
        {
            StartLoad(id, entry);
        }

        return null;
    }

    public void Dispose()
    {
        foreach (var id in _entries.Keys)
        {
            if (_entries.TryRemove(id, out var entry))
            {
                entry.Drop();
            }
        }
    }

    private void StartLoad(string id, Entry entry)
    {
        if (Volatile.Read(ref entry.Model) is not null || Interlocked.CompareExchange(ref entry.Loading, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                var package = await ReadAsync(id) ?? throw new InvalidDataException($"No retained published model has id or model version '{id}' (see 'indexer status').");
                var model = RankingModel.Load(package, "experiment model " + id);
                if (!entry.TrySet(model))
                {
                    model.Release();
                    return;
                }

                entry.FailedAt = null;
                ModelLoaded(logger, id, model.Version);
            }
            catch (Exception ex)
            {
                entry.FailedAt = timeProvider.GetUtcNow();
                ModelFailed(logger, ex, id);
            }
            finally
            {
                Volatile.Write(ref entry.Loading, 0);
            }
        });
    }

    /// <summary>The package of a published model by id, else (Redis) by the model version of a retained model.</summary>
    private async Task<RankingModelPackage?> ReadAsync(string idOrVersion)
    {
        var package = await source.GetModelAsync(idOrVersion);
        if (package is null && source is RedisModelStore store)
        {
            var status = await store.GetStatusAsync();
            var named = status.Models.FirstOrDefault(m => string.Equals(m.ModelVersion, idOrVersion, StringComparison.Ordinal));
            package = named is null ? null : await source.GetModelAsync(named.Id);
        }

        return package;
    }

    [LoggerMessage(EventId = 75, EventName = "ExperimentModelLoaded", Level = LogLevel.Information, Message = "Experiment model {Id} (version {Version}) is loaded for its arms.")]
    private static partial void ModelLoaded(ILogger logger, string id, string version);

    [LoggerMessage(EventId = 76, EventName = "ExperimentModelFailed", Level = LogLevel.Error, Message = "Could not load experiment model {Id}; its arms are answered degraded by the default ranking.")]
    private static partial void ModelFailed(ILogger logger, Exception exception, string id);

    /// <summary>One wanted model: loaded, loading or failed.</summary>
    private sealed class Entry
    {
        public RankingModel? Model;
        public int Loading;
        public DateTimeOffset? FailedAt;
        private readonly Lock _gate = new();
        private bool _dropped;

        /// <summary>Sets the loaded model unless the entry was dropped meanwhile.</summary>
        public bool TrySet(RankingModel model)
        {
            lock (_gate)
            {
                if (_dropped)
                {
                    return false;
                }

                Model = model;
                return true;
            }
        }

        /// <summary>Releases the entry's reference; requests still scoring keep theirs.</summary>
        public void Drop()
        {
            lock (_gate)
            {
                _dropped = true;
                Interlocked.Exchange(ref Model, null)?.Release();
            }
        }
    }
}
