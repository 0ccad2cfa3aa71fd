using System.Collections.Concurrent;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Per-item work of the build spread over threads (<see cref="BuildOptions.TableThreads"/>) with results handed back in
/// item order, so that the output never depends on the number of threads: the items are independent, each thread has
/// its own scratch state, and whatever combines the results runs on the caller's thread in item order.
/// </summary>
internal static class OrderedParallel
{
    /// <summary>Items per block of <see cref="ForEach{TState, TResult}"/>: the results held at once.</summary>
    public const int BlockSize = 16_384;

    /// <summary>Items a thread takes at a time: small enough to balance, large enough that scheduling is noise.</summary>
    private const int ChunkSize = 256;

    /// <summary>
    /// Computes <paramref name="compute"/> for each item 0..<paramref name="count"/>-1, a block of <see cref="BlockSize"/>
    /// items at a time on up to <paramref name="threads"/> threads, and calls <paramref name="consume"/> with each result
    /// in item order on the calling thread.
    /// </summary>
    /// <param name="count">Items.</param>
    /// <param name="threads">Threads at most; 1 runs everything on the calling thread.</param>
    /// <param name="newState">Scratch state of one thread (never shared between threads).</param>
    /// <param name="compute">The result of one item; must read only what no thread writes.</param>
    /// <param name="consume">Called with (item, result), items ascending.</param>
    public static void ForEach<TState, TResult>(int count, int threads, Func<TState> newState, Func<int, TState, TResult> compute, Action<int, TResult> consume)
    {
        if (threads <= 1 || count <= ChunkSize)
        {
            var state = newState();
            for (var i = 0; i < count; i++)
            {
                consume(i, compute(i, state));
            }

            return;
        }

        var block = new TResult[Math.Min(count, BlockSize)];
        for (var start = 0; start < count; start += block.Length)
        {
            var end = Math.Min(count, start + block.Length);
            Run(start, end, threads, newState, (i, state) => block[i - start] = compute(i, state));
            for (var i = start; i < end; i++)
            {
                consume(i, block[i - start]);
                block[i - start] = default!;
            }
        }
    }

    /// <summary>Fills <paramref name="results"/>[i] with <paramref name="compute"/>(i) on up to <paramref name="threads"/> threads.</summary>
    public static void Fill<T>(T[] results, int threads, Func<int, T> compute)
        => Run(0, results.Length, threads, static () => 0, (i, _) => results[i] = compute(i));

    /// <summary>Calls <paramref name="body"/> for each item start..end-1 on up to <paramref name="threads"/> threads, one state per thread.</summary>
    public static void Run<TState>(int start, int end, int threads, Func<TState> newState, Action<int, TState> body)
    {
        if (threads <= 1 || end - start <= ChunkSize)
        {
            var state = newState();
            for (var i = start; i < end; i++)
            {
                body(i, state);
            }

            return;
        }

        Parallel.ForEach(
            Partitioner.Create(start, end, ChunkSize),
            new ParallelOptions { MaxDegreeOfParallelism = threads },
            newState,
            (range, _, state) =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    body(i, state);
                }

                return state;
            },
            static _ => { });
    }
}
