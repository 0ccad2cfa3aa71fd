using System.Globalization;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>The publish lock: taken with SET NX PX, renewed in the background, released on dispose.</summary>
internal sealed class RedisPublishLock : IAsyncDisposable
{
    private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly IDatabase _db;
    private readonly RedisKey _key;
    private readonly RedisValue _token;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    private RedisPublishLock(IDatabase db, RedisKey key, RedisValue token, TimeProvider time)
    {
        _db = db;
        _key = key;
        _token = token;
        _renewal = RenewAsync(time);
    }

    public static async Task<RedisPublishLock> AcquireAsync(IDatabase db, RedisKey key, TimeProvider time, CancellationToken cancellationToken)
    {
        RedisValue token = Environment.MachineName + "/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "/" + Guid.NewGuid().ToString("N");
        if (!await db.LockTakeAsync(key, token, Expiry).WithCancellation(cancellationToken))
        {
            var holder = await db.LockQueryAsync(key);
            throw new InvalidOperationException(
                $"Another publish is in progress (lock '{key}' held by '{holder}'). Retry when it ends; a crashed publisher's lock expires within {Expiry.TotalSeconds:0} s.");
        }

        return new RedisPublishLock(db, key, token, time);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        _stop.Dispose();
        try
        {
            await _db.LockReleaseAsync(_key, _token);
        }
        catch (RedisException)
        {
            // The lock expires by itself; do not hide the publish's own outcome.
        }
    }

    private async Task RenewAsync(TimeProvider time)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RenewEvery, time, _stop.Token);
                await _db.LockExtendAsync(_key, _token, Expiry);
            }
        }
        catch (OperationCanceledException)
        {
            // Released.
        }
        catch (RedisException)
        {
            // Next publish step will fail on the same connection problem; the lock then expires.
        }
    }
}
