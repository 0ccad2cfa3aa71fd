using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Compression and sending of the units the <see cref="PackedEncoder"/> emits, for <see cref="PackedPublisher"/>.
/// Compressor threads (one per core beyond the producer's) take units from a short queue; when the queue is full the
/// producer compresses one itself instead of waiting, so both cores stay busy and nobody spins. Writes are pipelined on the multiplexer, at most
/// <see cref="RedisIndexOptions.WriteBatchSize"/> unacknowledged; an acknowledgement only counts (no continuation on
/// the thread pool). Progress is reported from the producer thread.
/// </summary>
internal sealed class PackedWritePipeline : IDisposable
{
    private readonly IDatabase _db;
    private readonly byte[] _ns;
    private readonly int _quality;
    private readonly long _total;
    private readonly IProgress<PublishProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _stop;
    private readonly PackedReservation _reservation;
    private readonly Queue<PackedUnit> _queue = new();
    private readonly int _queueLimit;
    private readonly SemaphoreSlim _inFlight;
    private readonly Thread[] _compressors;
    private readonly TaskCompletionSource _compressorsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<PackedWrittenKey?> _buckets = [];
    private readonly List<PackedWrittenKey?> _chunks = [];
    private readonly List<Task> _writes = [];
    private readonly string _version;
    private int _running;
    private bool _adding = true;
    private long _done;
    private long _reported;
    private Exception? _failure;

    public PackedWritePipeline(IDatabase db, byte[] ns, string version, RedisIndexOptions options, long total, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        _db = db;
        _ns = ns;
        _quality = options.CompressionQuality;
        _total = total;
        _progress = progress;
        _cancellationToken = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _reservation = new PackedReservation(db, RedisKeyspace.Reservation(ns));
        _inFlight = new SemaphoreSlim(options.WriteBatchSize, options.WriteBatchSize);
        _version = version;
        var count = Math.Max(1, Environment.ProcessorCount - 1);
        _queueLimit = 2 * count;
        _compressors = new Thread[count];
        _running = count;
        for (var i = 0; i < count; i++)
        {
            _compressors[i] = new Thread(Compress) { IsBackground = true, Name = "queryrec-publish-compress" };
            _compressors[i].Start();
        }
    }

    /// <summary>Records in acknowledged buckets.</summary>
    public long Done => Interlocked.Read(ref _done);

    /// <summary>Takes a finished unit (producer thread): reserves its number, queues it or compresses it here.</summary>
    public void Add(PackedUnit unit)
    {
        var queued = false;
        try
        {
            ThrowIfStopped();
            _reservation.Cover(unit);
            PackedUnit? mine = null;
            lock (_queue)
            {
                _queue.Enqueue(unit);
                queued = true;
                if (_queue.Count > _queueLimit)
                {
                    mine = _queue.Dequeue();
                }
                else
                {
                    Monitor.Pulse(_queue);
                }
            }

            if (mine is not null)
            {
                Send(mine);
            }

            Report();
        }
        catch when (!queued)
        {
            unit.Dispose();
            throw;
        }
    }

    public void ThrowIfStopped()
    {
        ThrowIfFailed();
        _stop.Token.ThrowIfCancellationRequested();
    }

    public void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>No more units: the compressors finish the queue and end.</summary>
    public void CompleteAdding()
    {
        lock (_queue)
        {
            _adding = false;
            Monitor.PulseAll(_queue);
        }
    }

    /// <summary>Stops everything after a failure or cancellation (queued units are dropped).</summary>
    public void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (AggregateException)
        {
            // A registration's failure; the pipeline stops anyway.
        }

        CompleteAdding();
    }

    /// <summary>Waits for the compressors and every write, then returns what was written.</summary>
    public async Task<(List<PackedWrittenKey?> Buckets, List<PackedWrittenKey?> Chunks)> DrainAsync()
    {
        await _compressorsDone.Task.WithCancellation(_cancellationToken);
        ThrowIfStopped();
        Task[] writes;
        lock (_writes)
        {
            writes = [.. _writes];
        }

        await Task.WhenAll(writes).WithCancellation(_cancellationToken);
        ThrowIfStopped();
        return (_buckets, _chunks);
    }

    /// <summary>Waits for the compressors to end (after <see cref="Stop"/>); writes already sent complete on their own.</summary>
    public Task JoinAsync() => _compressorsDone.Task;

    public void Dispose()
    {
        Stop();
        lock (_queue)
        {
            while (_queue.Count > 0)
            {
                _queue.Dequeue().Dispose();
            }
        }

        _stop.Dispose();
    }

    private void Compress()
    {
        try
        {
            while (true)
            {
                PackedUnit unit;
                lock (_queue)
                {
                    while (_queue.Count == 0 && _adding)
                    {
                        Monitor.Wait(_queue);
                    }

                    if (_queue.Count == 0 || _stop.IsCancellationRequested)
                    {
                        return;
                    }

                    unit = _queue.Dequeue();
                }

                Send(unit);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                _compressorsDone.TrySetResult();
            }
        }
    }

    /// <summary>Compresses a unit, records its digest and sends it (any thread).</summary>
    private void Send(PackedUnit unit)
    {
        byte[] value;
        PackedUnitKind kind;
        int index, records;
        using (unit)
        {
            value = PackedLayout.Compress(unit.Raw, _quality);
            (kind, index, records) = (unit.Kind, unit.Index, unit.Records);
        }

        var digest = SHA1.HashData(value);
        var key = kind == PackedUnitKind.Bucket ? RedisKeyspace.Bucket(_ns, index) : RedisKeyspace.Texts(_ns, index);
        _inFlight.Wait(_stop.Token);
        // The acknowledgement (the continuation, so that Done counts it once the task is awaited); a failure stops the pipeline.
        var write = _db.StringSetAsync(key, value).ContinueWith(
            (t, state) =>
            {
                var self = (PackedWritePipeline)state!;
                self._inFlight.Release();
                if (t.IsFaulted)
                {
                    self.Fail(t.Exception!.GetBaseException());
                }
                else
                {
                    Interlocked.Add(ref self._done, records);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        var what = $"Index {_version}: {(kind == PackedUnitKind.Bucket ? "bucket" : "text chunk")} {index.ToString(CultureInfo.InvariantCulture)}";
        var written = new PackedWrittenKey(key, what, digest, records);
        lock (_writes)
        {
            _writes.Add(write);
            var list = kind == PackedUnitKind.Bucket ? _buckets : _chunks;
            while (list.Count <= index)
            {
                list.Add(null);
            }

            list[index] = written;
        }
    }

    private void Fail(Exception ex)
    {
        if (ex is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
        }

        try
        {
            _stop.Cancel();
        }
        catch (AggregateException)
        {
            // Stopping anyway.
        }
    }

    /// <summary>Reports the records acknowledged so far (the final count is reported once everything is written).</summary>
    private void Report()
    {
        var done = Done;
        if (_progress is not null && done != _reported && done < _total)
        {
            _reported = done;
            _progress.Report(new PublishProgress("write", done, _total));
        }
    }
}
