using StackExchange.Redis;

namespace QueryRec.Storage.Realtime;

/// <summary>The subject scan of push export: every subject with a recent-queries or viewed-items list, on every primary.</summary>
public sealed partial class RedisRealtimeStore
{
    /// <inheritdoc />
    public async IAsyncEnumerable<RecentEntry> ScanSubjectsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // SCAN per primary (a cluster has several), a page at a time: memory stays at one page of keys. Each subject
        // once: from its search history (with the newer of its two lists), else from its viewed items.
        var ((queriesPattern, queriesHead), (viewedPattern, viewedHead)) = _keys.SubjectListPatterns();
        foreach (var endpoint in _redis.GetEndPoints())
        {
            var server = _redis.GetServer(endpoint);
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: queriesPattern, pageSize: ScanPageSize).WithCancellation(cancellationToken))
            {
                var subject = SubjectOf(key, queriesHead);
                var queries = ReadRecentAsync(key, 1, cancellationToken);
                var viewed = ReadRecentAsync(_keys.ViewedItems(subject), 1, cancellationToken);
                if (Newest([.. await queries, .. await viewed]) is { } time)
                {
                    yield return new RecentEntry(subject, time);
                }
            }

            await foreach (var key in server.KeysAsync(pattern: viewedPattern, pageSize: ScanPageSize).WithCancellation(cancellationToken))
            {
                var subject = SubjectOf(key, viewedHead);
                if (!await Db.KeyExistsAsync(_keys.RecentQueries(subject)).WaitAsync(cancellationToken)
                    && Newest(await ReadRecentAsync(key, 1, cancellationToken)) is { } time)
                {
                    yield return new RecentEntry(subject, time);
                }
            }
        }
    }

    private const int ScanPageSize = 1000;

    private static string SubjectOf(RedisKey key, int headLength) => System.Text.Encoding.UTF8.GetString(((byte[])key!).AsSpan(headLength));

    private static DateTimeOffset? Newest(IReadOnlyList<RecentEntry> entries) => entries.Count == 0 ? null : entries.Max(static e => e.Time);
}
