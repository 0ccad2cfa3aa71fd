using QueryRec.Core.Matching;
using QueryRec.Indexer.Evaluate;

namespace QueryRec.UnitTests.Indexer.Evaluate;

/// <summary>Streaming MPC on hand-computed counts.</summary>
public sealed class StreamingMpcTests
{
    [Fact]
    public void Add_CountsOnTopOfTheIndexPopularity_AndReordersTheList()
    {
        var mpc = new StreamingMpc([new VocabularyEntry("apple", 3), new VocabularyEntry("apricot", 2)]);

        Assert.Equal(["apple", "apricot"], mpc.Top("a", 10));
        mpc.Add("apricot");
        Assert.Equal(["apple", "apricot"], mpc.Top("a", 10)); // a tie at 3: text order
        mpc.Add("apricot");
        Assert.Equal(["apricot", "apple"], mpc.Top("a", 10)); // 4 > 3
        Assert.Equal(4, mpc.Score("apricot"));
        Assert.Equal(["apricot"], mpc.Top("a", 1));
        Assert.Equal(["apricot"], mpc.Top("apr", 10));
    }

    [Fact]
    public void Add_NewQuery_EntersTheCandidatesWithOne()
    {
        var mpc = new StreamingMpc([new VocabularyEntry("banjo", 0.5)]);

        Assert.Empty(mpc.Top("bana", 10));
        mpc.Add("banana");

        Assert.Equal(2, mpc.Count);
        Assert.Equal(1, mpc.Score("banana"));
        Assert.Equal(["banana", "banjo"], mpc.Top("ban", 10));
        Assert.Empty(mpc.Top("c", 10));
    }

    [Fact]
    public void Top_WithCollapseKey_ShowsOneFormOfNearDuplicates()
    {
        VocabularyEntry[] vocabulary = [new("iphone 4s", 5), new("iphone4s", 3), new("ipod", 1)];

        Assert.Equal(["iphone 4s", "iphone4s", "ipod"], new StreamingMpc(vocabulary).Top("i", 10));
        Assert.Equal(["iphone 4s", "ipod"], new StreamingMpc(vocabulary, NearDuplicates.Key).Top("i", 10));
    }
}
