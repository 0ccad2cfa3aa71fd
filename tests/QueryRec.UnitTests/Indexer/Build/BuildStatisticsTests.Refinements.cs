using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>The refinements (rf:) of a build: word supersets and, after a CJK character, prefix extensions.</summary>
public sealed partial class BuildStatisticsTests
{
    [Fact]
    public void Build_Refinements_AreWordSupersetsRankedByPopularityAndCtr()
    {
        // All searches at End (weight 1 each, so popularity = count), each by its own user.
        // "ipad" 3; "ipad case" 2 with 1 click -> CTR 0.5, score 2·(1 + 0.5) = 3; "ipad mini" 2, no click -> 2·1 = 2;
        // "case" 2; "ipads" 2 is a character extension (a completion), not a refinement; "black ipad case" 1 -> 1.
        // Refinements of "ipad": ipad case (3), ipad mini (2), black ipad case (1). Of "case": ipad case, black ipad case.
        var events = new List<LogEvent>();
        void Many(string q, int n)
        {
            for (var i = 0; i < n; i++)
            {
                events.Add(Solo(q, End));
            }
        }

        Many("ipad", 3);
        Many("ipad case", 1);
        events.Add(S("clicker", "ipad case", End));
        events.Add(Click("clicker", "ipad case", End, "sku1"));
        Many("ipad mini", 2);
        Many("case", 2);
        Many("ipads", 2);
        Many("black ipad case", 1);

        var build = Build(events).Build;

        var ipad = Get(build, IndexKeys.Refinements("ipad"), RelatedQueries.Parser)!;
        Assert.Equal(["ipad case", "ipad mini", "black ipad case"], ipad.Queries.Select(r => r.Text));
        Assert.Equal([3.0, 2.0, 1.0], ipad.Queries.Select(r => r.Score));
        Assert.Equal(0.5, ipad.Queries[0].Ctr);
        Assert.Equal(["ipad case", "black ipad case"], Get(build, IndexKeys.Refinements("case"), RelatedQueries.Parser)!.Queries.Select(r => r.Text));
        Assert.Null(Get(build, IndexKeys.Refinements("black ipad case"), RelatedQueries.Parser));
    }

    [Fact]
    public void Build_Refinements_ChinesePrefixExtension()
    {
        // CJK has no spaces: "华为手机" extends "华为" at a character boundary and is narrower.
        var events = new[] { Solo("华为", End), Solo("华为手机", End) };

        var refinements = Get(Build(events).Build, IndexKeys.Refinements("华为"), RelatedQueries.Parser)!;

        Assert.Equal(["华为手机"], refinements.Queries.Select(r => r.Text));
    }

    [Fact]
    public void Build_Refinements_ManyChineseExtensions_KeepTheBestByScoreThenText()
    {
        // 300 extensions of "华为" (more than the scan keeps in hand at once), two characters apart from each other so
        // that none is a misspelling of another, with scores 2..6 in no relation to their text order; "华为 手机" is
        // both a word superset and a prefix extension and must come once.
        var events = new List<LogEvent>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Many(string q, int n)
        {
            counts[q] = n;
            for (var i = 0; i < n; i++)
            {
                events.Add(Solo(q, End));
            }
        }

        // Characters the normalizer keeps as they are (it folds traditional to simplified), first and second
        // positions from disjoint ranges.
        var stable = Enumerable.Range(0x4E00, 0x1000).Select(c => (char)c)
            .Where(c => QueryRec.Core.Normalization.QueryNormalizer.Normalize("华为" + c) == "华为" + c).ToArray();
        var (firsts, seconds) = (stable[..300], stable[^300..]);
        Many("华为", 9);
        for (var i = 0; i < 300; i++)
        {
            Many("华为" + firsts[i * 7 % 300] + seconds[i], 2 + (i * 13 % 5));
        }

        Many("华为 手机", 6);

        var refinements = Get(Build(events).Build, IndexKeys.Refinements("华为"), RelatedQueries.Parser)!;

        var expected = counts.Keys
            .Where(q => q != "华为")
            .OrderByDescending(q => counts[q])
            .ThenBy(q => q, StringComparer.Ordinal)
            .Take(new BuildOptions().RefinementTop)
            .ToArray();
        Assert.Equal(expected, refinements.Queries.Select(r => r.Text));
        Assert.Single(refinements.Queries, r => r.Text == "华为 手机");
    }
}
