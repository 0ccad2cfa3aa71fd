using QueryRec.Indexer.Build;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>Per-item work on several threads, results handed back in item order.</summary>
public sealed class OrderedParallelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void ForEach_SeveralBlocks_ConsumesEveryResultOnceInItemOrder(int threads)
    {
        var count = (2 * OrderedParallel.BlockSize) + 1000;
        var consumed = new List<(int Item, long Result)>();
        var caller = Environment.CurrentManagedThreadId;
        var states = 0;

        OrderedParallel.ForEach(
            count,
            threads,
            () => new List<int> { Interlocked.Increment(ref states) },
            static (i, scratch) =>
            {
                scratch.Add(i); // per-thread scratch: never shared, so no lock
                return (long)i * i;
            },
            (i, result) =>
            {
                Assert.Equal(caller, Environment.CurrentManagedThreadId);
                consumed.Add((i, result));
            });

        Assert.Equal(Enumerable.Range(0, count).Select(i => (i, (long)i * i)), consumed);
        Assert.True(threads == 1 ? states == 1 : states >= 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Fill_EveryIndex_HoldsItsResult(int threads)
    {
        var results = new string[10_000];

        OrderedParallel.Fill(results, threads, i => "t" + i);

        Assert.Equal(Enumerable.Range(0, results.Length).Select(i => "t" + i), results);
    }
}
