using QueryRec.Serving.Events;

namespace QueryRec.UnitTests.Serving.Events;

public sealed class EventIdEchoTests
{
    [Theory]
    [InlineData("")]
    [InlineData("evt-1")]
    [InlineData("事件-42 with spaces")]
    public void Of_ShortPrintableId_IsTheIdItself(string id) => Assert.Same(id, EventIdEcho.Of(id));

    [Fact]
    public void Of_Exactly128Characters_IsNotCut()
    {
        var id = new string('x', 128);

        Assert.Equal(id, EventIdEcho.Of(id));
    }

    [Fact]
    public void Of_129Characters_KeepsTheFirst128AndSaysHowManyWereCut()
        => Assert.Equal(new string('x', 128) + "…(+1 chars)", EventIdEcho.Of(new string('x', 129)));

    [Fact]
    public void Of_ControlCharacters_AreEscaped()
        => Assert.Equal("a\\r\\nb\\tc\\u0000d\\u001be\\u2028f", EventIdEcho.Of("a\r\nb\tc\0d\u001be\u2028f"));

    [Fact]
    public void Of_EscapesCountTowardsTheBound()
    {
        var echo = EventIdEcho.Of(new string('\n', 100));

        // 64 escapes of two characters fill the 128; the other 36 newlines are counted as cut.
        Assert.Equal(string.Concat(Enumerable.Repeat("\\n", 64)) + "…(+36 chars)", echo);
    }

    [Fact]
    public void Of_SurrogatePairAtTheBound_IsNotSplit()
    {
        var id = new string('x', 127) + "😀" + "tail";

        var echo = EventIdEcho.Of(id);

        Assert.Equal(new string('x', 127) + "…(+6 chars)", echo);
        Assert.DoesNotContain(echo, char.IsSurrogate);
    }
}
