using System.Globalization;
using System.IO.Hashing;
using System.Text;
using StackExchange.Redis;

namespace QueryRec.Storage.Realtime;

/// <summary>
/// The key names of the Redis real-time namespace, all under <c>{prefix}rt:</c>. Every command touches one key,
/// except PFCOUNT over one query's trending HyperLogLogs, which share a hash tag.
/// <list type="bullet">
/// <item>Dedupe: <c>{prefix}rt:ev:{eventId}</c>, a string set with NX and the dedupe window as expiry.</item>
/// <item>Recent queries: <c>{prefix}rt:rq:{subject}</c>; viewed items: <c>{prefix}rt:vi:{subject}</c>. Sorted sets,
/// member = the normalized query or item id, score = the event time in Unix ms, so they are distinct by value and
/// ordered by time (newest first when read in reverse), trimmed to the cap; entries older than <c>HistoryTtl</c> are
/// skipped by reads and removed by writes, and the key expires <c>HistoryTtl</c> after the last update.</item>
/// <item>Pushes sent: <c>{prefix}rt:ps:{subject}</c>; ordered items: <c>{prefix}rt:ob:{subject}</c>. Recent lists as above
/// (pushed query or item id → event time), trimmed to <c>PushesSentCap</c> and <c>ViewedItemsCap</c>.</item>
/// <item>Exposures: <c>{prefix}rt:exp:{subject}:{yyyyMMdd}</c>, a hash word → count for one UTC day, expiring after 2 days.</item>
/// <item>Trending counts: <c>{prefix}rt:tr:{bucketStartUnixMs}</c>, a sorted set query → submissions in that bucket,
/// trimmed to the most submitted <c>TrendingQueriesPerBucket</c>, expiring once the bucket has left the window.</item>
/// <item>Trending submitters: <c>{prefix}rt:tu:{{xxhash64(query) hex}}:{bucketStartUnixMs}</c>, a HyperLogLog of the
/// subjects that submitted the query in that bucket; the hash tag puts the buckets of one query in one slot so one
/// PFCOUNT gives the exact union over the window.</item>
/// <item>A subject's events: <c>{prefix}rt:se:{subject}</c>, a sorted set event id → Unix ms when its dedupe mark
/// expires, trimmed of expired ids on every write and expiring with the last mark. It is how erasure finds the dedupe
/// marks of a subject without scanning the keyspace (which Redis Cluster could not do per request anyway).</item>
/// </list>
/// A subject is <c>u:{user_id}</c> or <c>d:{device_id}</c> (<see cref="RealtimeSubject"/>). Every key that holds a
/// subject is named by it (recent lists, exposures of the days an event can fall on, the events set), or listed in
/// the subject's events set (dedupe marks): erasure deletes exactly those keys.
/// </summary>
internal sealed class RealtimeKeyspace
{
    private readonly byte[] _eventHead;
    private readonly byte[] _recentQueriesHead;
    private readonly byte[] _viewedItemsHead;
    private readonly byte[] _pushesSentHead;
    private readonly byte[] _orderedItemsHead;
    private readonly byte[] _exposuresHead;
    private readonly byte[] _trendingHead;
    private readonly byte[] _submittersHead;
    private readonly byte[] _subjectEventsHead;

    public RealtimeKeyspace(string keyPrefix)
    {
        var prefix = Encoding.UTF8.GetBytes(keyPrefix);
        _eventHead = Concat(prefix, "rt:ev:"u8);
        _recentQueriesHead = Concat(prefix, "rt:rq:"u8);
        _viewedItemsHead = Concat(prefix, "rt:vi:"u8);
        _pushesSentHead = Concat(prefix, "rt:ps:"u8);
        _orderedItemsHead = Concat(prefix, "rt:ob:"u8);
        _exposuresHead = Concat(prefix, "rt:exp:"u8);
        _trendingHead = Concat(prefix, "rt:tr:"u8);
        _submittersHead = Concat(prefix, "rt:tu:{"u8);
        _subjectEventsHead = Concat(prefix, "rt:se:"u8);
    }

    public RedisKey Event(string eventId) => Join(_eventHead, eventId);

    public RedisKey RecentQueries(string subject) => Join(_recentQueriesHead, subject);

    public RedisKey ViewedItems(string subject) => Join(_viewedItemsHead, subject);

    public RedisKey PushesSent(string subject) => Join(_pushesSentHead, subject);

    public RedisKey OrderedItems(string subject) => Join(_orderedItemsHead, subject);

    /// <summary>The match pattern of every recent-queries or viewed-items key, and the length of the head before the subject.</summary>
    public ((RedisValue Pattern, int HeadLength) RecentQueries, (RedisValue Pattern, int HeadLength) ViewedItems) SubjectListPatterns()
        => ((Pattern(_recentQueriesHead), _recentQueriesHead.Length), (Pattern(_viewedItemsHead), _viewedItemsHead.Length));

    public RedisKey Exposures(string subject, DateOnly day)
        => Join(_exposuresHead, subject + ":" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

    public RedisKey SubjectEvents(string subject) => Join(_subjectEventsHead, subject);

    public RedisKey Trending(long bucketStart)
        => Join(_trendingHead, bucketStart.ToString(CultureInfo.InvariantCulture));

    /// <summary>The submitters HyperLogLog of a query in one bucket; all buckets of a query share one slot.</summary>
    public RedisKey Submitters(string query, long bucketStart)
        => Join(_submittersHead, QueryTag(query) + "}:" + bucketStart.ToString(CultureInfo.InvariantCulture));

    /// <summary>The hash tag of a query: XxHash64 of its UTF-8 bytes, 16 lowercase hex digits.</summary>
    public static string QueryTag(string query)
    {
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(query));
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    // SCAN's MATCH is a glob: the head's own glob characters are escaped.
    private static RedisValue Pattern(byte[] head)
    {
        var escaped = new System.Text.StringBuilder();
        foreach (var c in Encoding.UTF8.GetString(head))
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.Append('*').ToString();
    }

    private static RedisKey Join(byte[] head, string tail)
    {
        var bytes = new byte[head.Length + Encoding.UTF8.GetByteCount(tail)];
        head.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(tail, bytes.AsSpan(head.Length));
        return bytes;
    }

    private static byte[] Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var bytes = new byte[first.Length + second.Length];
        first.CopyTo(bytes);
        second.CopyTo(bytes.AsSpan(first.Length));
        return bytes;
    }
}
