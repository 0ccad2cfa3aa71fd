using QueryRec.Indexer.Commands;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Commands;

/// <summary>The one reader of <c>--settings FILE</c> and <c>--set Key=Value</c> shared by <c>evaluate</c> and <c>train --events</c>.</summary>
public sealed class ServiceSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Read_NestedAndColonKeys_FlattenedLikeConfiguration_ThenSetOverrides()
    {
        var file = _dir.WriteLines(
            "s.json",
            "// a comment",
            "{",
            """  "QueryRec": { "Trending": { "MinDistinctUsers": 2, "Enabled": true } },""",
            """  "QueryRec:Realtime:TrendingWindow": "7.00:00:00",""",
            "}");

        var settings = ServiceSettings.Read(file, ["queryrec:trending:mindistinctusers=5", "A=x=y"]);

        Assert.Equal(4, settings.Count);
        Assert.Equal("5", settings["QueryRec:Trending:MinDistinctUsers"]);
        Assert.Equal("True", settings["QueryRec:Trending:Enabled"]);
        Assert.Equal("7.00:00:00", settings["QueryRec:Realtime:TrendingWindow"]);
        Assert.Equal("x=y", settings["A"]);
    }

    [Fact]
    public void Read_InvalidJson_NamesFileAndLine()
    {
        var file = _dir.WriteLines("bad.json", "{", """  "A": 1,""", """  "B" 2""", "}");

        var ex = Assert.Throws<CliUserException>(() => ServiceSettings.Read(file, []));

        Assert.Contains("bad.json: line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ArraysNullsAndEmptyObjects_AsTheConfigurationReadsThem()
    {
        var file = _dir.WriteLines("s.json", """{ "A": [1, "x"], "B": null, "C": {}, "D": { "E": false } }""");

        var settings = ServiceSettings.Read(file, []);

        Assert.Equal(["A:0", "A:1", "D:E"], settings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1", settings["A:0"]);
        Assert.Equal("x", settings["A:1"]);
        Assert.Equal("False", settings["D:E"]);
    }

    [Fact]
    public void Read_DotPrefixedFileName_IsRead()
    {
        var file = _dir.WriteLines(".s.json", """{ "A": 1 }""");

        Assert.Equal("1", ServiceSettings.Read(file, [])["A"]);
    }

    [Theory]
    [InlineData("missing.json", null, "settings file not found: ")]
    [InlineData("empty.json", "", "not valid JSON (The input does not contain any JSON tokens)")]
    [InlineData("array.json", "[1]", "array.json: Top-level JSON element must be an object")]
    [InlineData("twice.json", """{ "A": { "B": 1 }, "a:b": 2 }""", "twice.json: A duplicate key 'a:b' was found")]
    public void Read_FileMissingOrNotASettingsObject_Refused(string name, string? content, string message)
    {
        var file = content is null ? Path.Combine(_dir.Path, name) : _dir.WriteLines(name, content);

        var ex = Assert.Throws<CliUserException>(() => ServiceSettings.Read(file, []));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "A B": 1 }""", "'A B'")]
    [InlineData("""{ "A": { "": 1 } }""", "'A:'")]
    public void Read_KeyNotAllowed_NamesTheKey(string json, string named)
    {
        var file = _dir.WriteLines("s.json", json);

        var ex = Assert.Throws<CliUserException>(() => ServiceSettings.Read(file, []));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MoreThanTheBound_Refused()
    {
        var file = _dir.WriteLines("many.json", "{", string.Join(",", Enumerable.Range(0, ServiceSettings.MaxSettings + 1).Select(i => $"\"K{i}\": {i}")), "}");
        var sets = Enumerable.Range(0, ServiceSettings.MaxSettings + 1).Select(i => $"K{i}=1").ToArray();

        Assert.Throws<CliUserException>(() => ServiceSettings.Read(file, []));
        Assert.Throws<CliUserException>(() => ServiceSettings.Read(null, sets));
        Assert.Equal(ServiceSettings.MaxSettings, ServiceSettings.Read(null, sets[..^1]).Count);
    }

    [Theory]
    [InlineData("NoEquals")]
    [InlineData("=value")]
    public void Read_SetNotKeyValue_Refused(string set)
    {
        var ex = Assert.Throws<CliUserException>(() => ServiceSettings.Read(null, [set]));

        Assert.Contains("--set", ex.Message, StringComparison.Ordinal);
    }
}
