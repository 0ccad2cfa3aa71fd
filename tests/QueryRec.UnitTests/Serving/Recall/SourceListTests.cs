using Google.Protobuf.Collections;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;

namespace QueryRec.UnitTests.Serving.Recall;

/// <summary>A candidate's sources: first-seen order, no repeats, inline up to 8 and past them.</summary>
public sealed class SourceListTests
{
    private static readonly Source[] Many = [.. Enum.GetValues<Source>().Where(static s => s != Source.Unspecified)];

    [Fact]
    public void Add_KeepsFirstSeenOrderWithoutRepeats()
    {
        var list = default(SourceList);
        list.Add(Source.Infix);
        list.Add(Source.Prefix);
        list.Add(Source.Infix);
        list.Add(Source.History);

        Assert.Equal([Source.Infix, Source.Prefix, Source.History], list);
        Assert.Equal(3, list.Count);
        Assert.True(list.Contains(Source.Prefix));
        Assert.False(list.Contains(Source.Fuzzy));
        Assert.True(list.ContainsAny([Source.Fuzzy, Source.History]));
        Assert.False(list.ContainsAny([Source.Fuzzy, Source.Trending]));
    }

    [Fact]
    public void Add_PastEightInline_KeepsEveryOneInOrder()
    {
        Assert.True(Many.Length > 10, "the proto has enough sources to fill the inline slots");
        var list = default(SourceList);
        foreach (var source in Many.Reverse())
        {
            list.Add(source);
            list.Add(Many[^1]); // a repeat, inline
        }

        list.Add(Many[0]); // a repeat, past the inline slots
        var expected = Many.Reverse().ToList();
        Assert.Equal(expected, list);
        Assert.Equal(expected.Count, list.Count);
        Assert.All(expected, s => Assert.True(list.Contains(s)));
        var copied = new RepeatedField<Source>();
        list.CopyTo(copied);
        Assert.Equal(expected, copied);
    }

    [Fact]
    public void Indexer_OutsideTheList_Throws()
    {
        var list = default(SourceList);
        list.Add(Source.Prefix);

        Assert.Throws<ArgumentOutOfRangeException>(() => list[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
    }
}
