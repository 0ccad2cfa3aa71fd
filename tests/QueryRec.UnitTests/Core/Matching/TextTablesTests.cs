using System.Text;
using QueryRec.Core.Matching;

namespace QueryRec.UnitTests.Core.Matching;

public sealed class TextTablesTests
{
    [Fact]
    public void Pinyin_CommittedTable_ParsesWithPlausibleSize()
    {
        var table = TextTables.Pinyin;

        // Unihan 15.0 has readings for about 41,000 ideographs; common ones must all be there.
        Assert.InRange(table.Count, 40_000, 45_000);
        Assert.All("的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年", c => Assert.NotNull(table.Find(c)));
        Assert.Equal("15.0.0", TextTables.UnihanVersion);
    }

    [Fact]
    public void Pinyin_CommittedTable_ReadingsAreTonelessLowerCaseAndCapped()
    {
        var table = TextTables.Pinyin;
        var readings = table.Dense.Where(r => r is not null).Concat(table.Sparse.Values).Select(r => r!.Items).ToList();

        Assert.All(readings, items => Assert.InRange(items.Length, 1, 4));
        Assert.All(readings.SelectMany(r => r), r => Assert.Matches("^[a-z]{1,6}$", r));
        Assert.InRange(readings.SelectMany(r => r).Distinct().Count(), 380, 450); // Mandarin has about 410 toneless syllables
    }

    [Fact]
    public void TraditionalToSimplified_CommittedTable_ParsesAndIsIdempotent()
    {
        var map = TextTables.TraditionalToSimplified;

        Assert.InRange(map.Count, 2_500, 8_000);
        Assert.Equal('连', map['連']);
        Assert.Equal('后', map['後']);
        Assert.DoesNotContain(map.Values, map.ContainsKey); // folding twice changes nothing
        Assert.False(map.ContainsKey('乾')); // its own simplified form in 乾隆
        Assert.False(map.ContainsKey('连'));
    }

    [Fact]
    public void TraditionalToSimplified_Targets_AreNfkcStable()
    {
        Assert.All(TextTables.TraditionalToSimplified.Values, v => Assert.True(char.ConvertFromUtf32(v).IsNormalized(NormalizationForm.FormKC)));
    }
}
