using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>The server reads how deep the prefix table goes from the index it serves, not from its own options.</summary>
public sealed class SuggestIndexInfoTests
{
    [Fact]
    public async Task Suggest_PrefixLongerThanIndexedDepth_IsLookedUpAtThatDepthAndFiltered()
    {
        var time = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        LogEvent Search(string user, string query) => new(LogEventType.Search, user, query, time);
        var events = new[]
        {
            Search("u1", "gears of war"), Search("u2", "gears of war"), Search("u3", "gears of war"),
            Search("u1", "gears tactics"), Search("u2", "gears tactics"),
            Search("u1", "gear head"), Search("u2", "gear head"), Search("u3", "gear head"), Search("u4", "gear head"),
        };
        var build = IndexBuilder.Build(events, new BuildOptions { MaxPrefixLength = 3, Version = "shallow-v1" }, TimeProvider.System).Build;
        using var factory = QueryRecFactory.Embedded(QueryRecFactory.WriteTempIndex(build));
        var client = factory.CreateClient(factory.CreateChannel());

        var atDepth = await client.SuggestAsync(new SuggestRequest { Prefix = "gea" });
        var deeper = await client.SuggestAsync(new SuggestRequest { Prefix = "gears " });
        var deepest = await client.SuggestAsync(new SuggestRequest { Prefix = "gears of w" });

        // Only the prefix table's answers are about depth; typo tolerance may add corrections after them
        // ("gears " is one deletion from "gear ").
        static IEnumerable<string> Exact(SuggestResponse r) => r.Items.Where(i => i.Sources.Contains(Source.Prefix)).Select(i => i.Text);
        Assert.Equal(["gear head", "gears of war", "gears tactics"], Exact(atDepth));
        Assert.Equal(["gears of war", "gears tactics"], Exact(deeper));
        Assert.Equal(["gears of war"], Exact(deepest));
        Assert.Equal(["gears of war", "gears tactics"], deeper.Items.Take(2).Select(i => i.Text));
    }
}
