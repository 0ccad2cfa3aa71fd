using QueryRec.Core.Matching;

namespace QueryRec.UnitTests.Core.Matching;

/// <summary>Which pairs of normalized queries are bounded corrections, and of which kind.</summary>
public sealed class QueryEditsTests
{
    [Theory]
    [InlineData("iphone15", "iphone 15", 1)]
    [InlineData("black ops", "blackops", 1)]
    [InlineData("手机 壳", "手机壳", 1)]
    public void Classify_SpacesAddedOrRemoved_IsSpacing(string query, string correction, int distance)
        => Assert.Equal(new QueryEdit(QueryEditKind.Spacing, distance), QueryEdits.Classify(query, correction));

    [Theory]
    [InlineData("shouji", "手机")]
    [InlineData("lianyiqun", "连衣裙")]
    [InlineData("chongqing", "重庆")] // a polyphone's other reading
    public void Classify_PinyinOfTheHanzi_IsPinyin(string query, string correction)
        => Assert.Equal(QueryEditKind.Pinyin, QueryEdits.Classify(query, correction).Kind);

    [Theory]
    [InlineData("手标", "手表", 1)]
    [InlineData("扫第机器人", "扫地机器人", 1)]
    public void Classify_HanziOfTheSameReading_IsHomophone(string query, string correction, int distance)
        => Assert.Equal(new QueryEdit(QueryEditKind.Homophone, distance), QueryEdits.Classify(query, correction));

    [Fact]
    public void Classify_HanziOfAnotherReading_IsNotAHomophone()
        => Assert.Equal(QueryEditKind.None, QueryEdits.Classify("手衣", "手表").Kind);

    [Theory]
    [InlineData("headphnoe", "headphone", 1)]   // swap
    [InlineData("assasins creed", "assassins creed", 1)] // deletion
    [InlineData("wireles headphons", "wireless headphones", 2)] // two edits in a long query
    [InlineData("蓝牙耳", "蓝牙耳机", 1)]          // a hanzi dropped
    public void Classify_BoundedEdits_IsTypo(string query, string correction, int distance)
        => Assert.Equal(new QueryEdit(QueryEditKind.Typo, distance), QueryEdits.Classify(query, correction));

    [Theory]
    [InlineData("iphone 16", "iphone 15")]  // digits are never edited
    [InlineData("65 inch tv", "55 inch tv")]
    [InlineData("tvs", "tv")]               // a correction under 4 runes takes no typo
    [InlineData("hitman xbox", "batman xbox")] // two edits in one 6-letter word
    [InlineData("elder scrolls v", "elder scrolls")] // a word less
    public void Classify_DigitsOrShortCorrections_AreNone(string query, string correction)
        => Assert.Equal(QueryEditKind.None, QueryEdits.Classify(query, correction).Kind);

    [Fact]
    public void Classify_LetterDroppedFromAFourRuneCorrection_IsTypo()
        => Assert.Equal(new QueryEdit(QueryEditKind.Typo, 1), QueryEdits.Classify("xbx", "xbox"));

    [Fact]
    public void Classify_ThreeEdits_IsNone()
        => Assert.Equal(QueryEditKind.None, QueryEdits.Classify("hdphnoes", "headphones").Kind);

    [Fact]
    public void Classify_EqualTexts_IsNone()
        => Assert.Equal(QueryEditKind.None, QueryEdits.Classify("手机", "手机").Kind);
}
