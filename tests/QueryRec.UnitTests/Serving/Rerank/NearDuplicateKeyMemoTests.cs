using QueryRec.Core.Matching;
using QueryRec.Serving.Rerank;

namespace QueryRec.UnitTests.Serving.Rerank;

/// <summary>The remembered near-duplicate keys of the collapse step: the same keys as computing them, bounded.</summary>
public sealed class NearDuplicateKeyMemoTests
{
    [Fact]
    public void KeyOf_GivesTheComputedKey_FirstAndRememberedTimes_AndPastTheBound()
    {
        string[] texts = ["iphone 15", "iphone15", "iphone-15", "red dresses", "dress red", "c++ primer", "连衣裙 长款", "长款连衣裙", "100% cotton", "a"];
        foreach (var text in texts)
        {
            Assert.Equal(NearDuplicates.Key(text), NearDuplicateCollapse.KeyOf(text));
            Assert.Equal(NearDuplicates.Key(text), NearDuplicateCollapse.KeyOf(text));
        }

        // More distinct texts than the memo holds: it starts over, and keys stay right.
        var many = Enumerable.Range(0, NearDuplicateCollapse.MaxRememberedKeys + 5_000).Select(i => $"w{i % 97} item {i}").ToArray();
        var maxSeen = 0;
        foreach (var text in many)
        {
            Assert.Equal(NearDuplicates.Key(text), NearDuplicateCollapse.KeyOf(text));
            maxSeen = Math.Max(maxSeen, NearDuplicateCollapse.RememberedCount);
        }

        foreach (var text in texts)
        {
            Assert.Equal(NearDuplicates.Key(text), NearDuplicateCollapse.KeyOf(text));
        }

        // Bounded: at most the bound, plus the few keys that calls on other threads (other tests) add while it resets.
        Assert.InRange(maxSeen, 1, NearDuplicateCollapse.MaxRememberedKeys + 256);
    }
}
