using QueryRec.Core.Hygiene;

namespace QueryRec.UnitTests.Core.Hygiene;

public sealed class QueryBlacklistTests
{
    private static QueryBlacklist Parse(params string[] entries)
    {
        Assert.True(QueryBlacklist.TryParse(entries, out var blacklist, out var error), error);
        return blacklist;
    }

    [Theory]
    [InlineData("bad word", true)]
    [InlineData("a bad word here", true)]
    [InlineData("badword", false)]
    [InlineData("a bad wordy", false)]
    [InlineData("good", false)]
    public void IsBlacklisted_Term_MatchesEqualOrWholeWordSequence(string query, bool expected)
        => Assert.Equal(expected, Parse("Bad  Word").IsBlacklisted(query));

    [Fact]
    public void IsBlacklisted_Pattern_MatchesAnywhere()
        => Assert.True(Parse("re:\\d{6,}").IsBlacklisted("call 1234567"));

    [Theory]
    [InlineData("re:(")]
    [InlineData("re:")]
    [InlineData("   ")]
    public void TryParse_InvalidEntry_FailsNamingIt(string entry)
    {
        Assert.False(QueryBlacklist.TryParse(["ok", entry], out _, out var error));
        Assert.Contains("entry 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_BlacklistsNothing()
        => Assert.False(QueryBlacklist.Empty.IsBlacklisted("anything"));
}
