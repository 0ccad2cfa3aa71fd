using BitFaster.Caching.Lru;
using QueryRec.Serving.Telemetry;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// The last good copy of each hot and trending list read (one per category and kind), kept across index versions: a
/// list whose read fails is served from its copy (possibly of an earlier version) rather than left empty, and the call
/// is marked <c>store_fallback:last_good_list</c>. Lists change slowly, so a copy of yesterday's beats no list at all.
/// </summary>
internal sealed class LastGoodLists(QueryRecInstrumentation metrics, ILogger<LastGoodLists> logger)
{
    /// <summary>Most lists kept.</summary>
    public const int Capacity = 1024;

    /// <summary>The reason of a call answered with a last good copy.</summary>
    public const string FallbackReason = "store_fallback:" + QueryRecInstrumentation.KindLastGoodList;

    private readonly ConcurrentLru<string, LastGood> _lists = new(Capacity);

    /// <summary>
    /// Reads one list with <paramref name="read"/> and keeps it as the copy of <paramref name="key"/>. When the read
    /// fails and a copy exists, the copy answers and <paramref name="scope"/> gets the fallback reason (and the store's
    /// own reason, see <see cref="CallScope.AddStoreFault"/>); without a copy the failure propagates.
    /// </summary>
    public async ValueTask<RankedQueries?> ReadAsync<TArg>(
        string key,
        string version,
        TArg arg,
        Func<TArg, CancellationToken, ValueTask<RankedQueries?>> read,
        CallScope scope,
        CancellationToken cancellationToken)
    {
        try
        {
            var list = await read(arg, cancellationToken);
            if (list is not null)
            {
                _lists.AddOrUpdate(key, new LastGood(version, list));
            }

            return list;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _lists.TryGet(key, out var good))
        {
            ResilienceLog.LastGoodListServed(logger, ex, key, good.Version);
            metrics.RecordFallback(QueryRecInstrumentation.KindLastGoodList);
            scope.AddStoreFault(ex);
            scope.AddReason(FallbackReason);
            return good.List;
        }
    }

    private readonly record struct LastGood(string Version, RankedQueries List);
}
