using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// The Lua scripts shared by the index store and the model store, which both keep an active pointer (a string) over a
/// registry of retained ids (a sorted set scored by publish sequence) plus hashes keyed by id. All the keys of one call
/// share a hash tag, so each script runs atomically on Redis Cluster.
/// </summary>
internal static class RedisPointerScripts
{
    // KEYS: active, versions. ARGV: target id or ''. Returns the id made active, or nil when there is none.
    private const string RollbackScript = """
        local target = ARGV[1]
        if target == '' then
          local active = redis.call('GET', KEYS[1])
          if not active then return false end
          local score = redis.call('ZSCORE', KEYS[2], active)
          if not score then return false end
          local earlier = redis.call('ZREVRANGEBYSCORE', KEYS[2], '(' .. score, '-inf', 'LIMIT', 0, 1)
          if #earlier == 0 then return false end
          target = earlier[1]
        elseif not redis.call('ZSCORE', KEYS[2], target) then
          return false
        end
        redis.call('SET', KEYS[1], target)
        return target
        """;

    // KEYS: active, versions, then the hashes keyed by id. ARGV: id. Unregisters an id unless it is active; returns 1 if removed.
    private const string UnregisterScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
        for i = 3, #KEYS do
          redis.call('HDEL', KEYS[i], ARGV[1])
        end
        return redis.call('ZREM', KEYS[2], ARGV[1])
        """;

    /// <summary>
    /// Points <paramref name="active"/> at <paramref name="target"/> if it is registered in <paramref name="versions"/>,
    /// or, when <paramref name="target"/> is null, at the id registered just before the active one.
    /// </summary>
    /// <returns>The id now active, or null when there is nothing to roll back to.</returns>
    public static async Task<string?> RollbackAsync(IDatabase db, RedisKey active, RedisKey versions, string? target, CancellationToken cancellationToken)
    {
        var result = await db.ScriptEvaluateAsync(RollbackScript, [active, versions], [target ?? string.Empty]).WithCancellation(cancellationToken);
        return result.IsNull ? null : result.ToString();
    }

    /// <summary>
    /// Removes <paramref name="id"/> from <paramref name="versions"/> and from each of <paramref name="hashes"/>, unless
    /// it is the active one (it may have become active meanwhile).
    /// </summary>
    /// <returns>True when the id was removed, so its data may be deleted.</returns>
    public static async Task<bool> UnregisterAsync(IDatabase db, RedisKey active, RedisKey versions, RedisKey[] hashes, RedisValue id)
    {
        var removed = await db.ScriptEvaluateAsync(UnregisterScript, [active, versions, .. hashes], [id]);
        return (long)removed == 1;
    }
}
