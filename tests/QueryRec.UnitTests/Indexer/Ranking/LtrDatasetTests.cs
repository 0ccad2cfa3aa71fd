using QueryRec.Core.Ranking;
using QueryRec.Indexer.Ranking;

namespace QueryRec.UnitTests.Indexer.Ranking;

public sealed class LtrDatasetTests
{
    private static readonly string Zeros = string.Join('\t', Enumerable.Repeat("0", FeatureSchema.Count));

    private static List<LtrRow> Read(int maxRows, params string[] lines)
        => LtrDataset.Read(new StringReader(string.Join('\n', lines)), "rows.tsv", maxRows);

    [Fact]
    public void WriteThenRead_GivesTheSameRows()
    {
        var rows = LtrDataset.Synthetic(20, 5);
        using var text = new StringWriter();
        LtrDataset.Write(text, rows);

        var back = LtrDataset.Read(new StringReader(text.ToString()), "rows.tsv", 1000);

        Assert.Equal(rows.Count, back.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Group, back[i].Group);
            Assert.Equal(rows[i].Label, back[i].Label);
            Assert.Equal(rows[i].Features, back[i].Features);
        }
    }

    [Fact]
    public void Synthetic_IsDeterministicAndUsesEveryLabel()
    {
        var a = LtrDataset.Synthetic(200, 9);
        var b = LtrDataset.Synthetic(200, 9);

        Assert.Equal(a.Select(r => (r.Group, r.Label)), b.Select(r => (r.Group, r.Label)));
        Assert.Equal(a.SelectMany(r => r.Features), b.SelectMany(r => r.Features));
        Assert.Equal([0f, 1f, 2f, 3f, 4f], a.Select(r => r.Label).Distinct().Order());
    }

    [Fact]
    public void Read_MissingHeaderColumn_ErrorNamesLineAndColumn()
    {
        var header = string.Join('\t', new[] { "group", "label" }.Concat(FeatureSchema.Names.Take(FeatureSchema.Count - 1)));

        var ex = Assert.Throws<InvalidDataException>(() => Read(10, header));

        Assert.Contains("rows.tsv: line 1: header column 24 is '(missing)', expected 'recent_users_log'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0\t5\t", "line 3: label '5'")]
    [InlineData("0\t-1\t", "line 3: label '-1'")]
    [InlineData("x\t1\t", "line 3: group 'x'")]
    public void Read_BadRow_ErrorNamesTheLine(string start, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(10, LtrDataset.Header, "0\t1\t" + Zeros, start + Zeros));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NonFiniteFeature_ErrorNamesLineAndFeature()
    {
        var fields = Enumerable.Repeat("0", FeatureSchema.Count).ToArray();
        fields[2] = "NaN";

        var ex = Assert.Throws<InvalidDataException>(() => Read(10, LtrDataset.Header, "0\t1\t" + string.Join('\t', fields)));

        Assert.Contains("line 2: feature ctr 'NaN'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GroupNotContiguous_Rejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(10, LtrDataset.Header, "0\t1\t" + Zeros, "1\t1\t" + Zeros, "0\t1\t" + Zeros));

        Assert.Contains("line 4: group 0 appears again", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MoreRowsThanMax_Rejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(2, LtrDataset.Header, "0\t1\t" + Zeros, "0\t0\t" + Zeros, "1\t0\t" + Zeros));

        Assert.Contains("line 4: more than 2 rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WrongFieldCount_Rejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(10, LtrDataset.Header, "0\t1\t0\t0"));

        Assert.Contains($"line 2: 4 fields, expected {FeatureSchema.Count + 2}", ex.Message, StringComparison.Ordinal);
    }
}
