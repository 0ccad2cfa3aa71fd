using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Evaluate;

/// <summary>The figures of one group of cases.</summary>
internal sealed class GroupResult(string group)
{
    public string Group { get; } = group;

    /// <summary>Cases of the group.</summary>
    public int Cases { get; set; }

    /// <summary>Cases that count: no baseline, or the expected query is in the top 10 for the baseline prefix.</summary>
    public int Eligible { get; set; }

    /// <summary>Eligible cases with the expected query first.</summary>
    public int HitsAt1 { get; set; }

    /// <summary>Eligible cases with the expected query in the top 10.</summary>
    public int HitsAt10 { get; set; }

    /// <summary>Sum of 1/rank over eligible cases (0 past rank 10).</summary>
    public double ReciprocalRankSum { get; set; }

    /// <summary>Answers in which an item recalled only by typo tolerance ranks above one recalled by an exact source.</summary>
    public int FuzzyAboveExact { get; set; }

    /// <summary>Answers flagged degraded.</summary>
    public int Degraded { get; set; }

    public double SuccessAt1 => Eligible == 0 ? 0 : (double)HitsAt1 / Eligible;

    public double SuccessAt10 => Eligible == 0 ? 0 : (double)HitsAt10 / Eligible;

    public double Mrr => Eligible == 0 ? 0 : ReciprocalRankSum / Eligible;

    /// <summary>Eligible cases whose expected query was not in the top 10, with what was shown instead (bounded).</summary>
    public List<string> Misses { get; } = [];
}

/// <summary>Replays evaluation cases against Suggest and scores them.</summary>
internal static class SuggestReplay
{
    /// <summary>Most misses kept per group for the failure report.</summary>
    public const int MaxMissesPerGroup = 500;

    private static readonly HashSet<Source> ExactSources = [Source.Prefix, Source.PinyinFull, Source.PinyinInitials, Source.PinyinMixed, Source.History, Source.Trending];

    /// <summary>Runs every case (its baseline first, when it has one) with bounded concurrency; results per group, in first-seen order.</summary>
    public static async Task<List<GroupResult>> RunAsync(
        IReadOnlyList<EvalCase> cases,
        Func<string, CancellationToken, Task<SuggestResponse>> suggest,
        int concurrency,
        CancellationToken cancellationToken)
    {
        var groups = new Dictionary<string, GroupResult>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            if (!groups.ContainsKey(c.Group))
            {
                groups[c.Group] = new GroupResult(c.Group);
            }
        }

        var gate = new Lock();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (c, ct) =>
        {
            var eligible = true;
            if (c.Baseline is { } baseline)
            {
                var exact = await suggest(baseline, ct);
                eligible = RankOf(exact, c.Expected) > 0;
            }

            var response = await suggest(c.Typed, ct);
            var rank = RankOf(response, c.Expected);
            lock (gate)
            {
                var g = groups[c.Group];
                g.Cases++;
                g.Degraded += response.Metadata?.Degraded == true ? 1 : 0;
                g.FuzzyAboveExact += FuzzyAboveExact(response) ? 1 : 0;
                if (!eligible)
                {
                    return;
                }

                g.Eligible++;
                g.HitsAt1 += rank == 1 ? 1 : 0;
                g.HitsAt10 += rank is > 0 and <= 10 ? 1 : 0;
                g.ReciprocalRankSum += rank is > 0 and <= 10 ? 1.0 / rank : 0;
                if (rank is 0 or > 10 && g.Misses.Count < MaxMissesPerGroup)
                {
                    var shown = string.Join(" | ", response.Items.Select(static i => i.Text + " [" + string.Join(",", i.Sources) + "]"));
                    g.Misses.Add($"{c.Group}\t{c.Typed}\t{c.Expected}\t{shown}");
                }
            }
        });

        return [.. groups.Values];
    }

    /// <summary>The 1-based rank of the expected query (or a near-duplicate form of it), 0 when absent.</summary>
    public static int RankOf(SuggestResponse response, string expected)
    {
        var key = NearDuplicates.Key(expected);
        for (var i = 0; i < response.Items.Count; i++)
        {
            var text = response.Items[i].Text;
            if (text == expected || NearDuplicates.Key(text) == key)
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>True when an item recalled only by non-exact sources of typo tolerance ranks above an item with an exact source.</summary>
    public static bool FuzzyAboveExact(SuggestResponse response)
    {
        var seenFuzzyOnly = false;
        foreach (var item in response.Items)
        {
            var exact = item.Sources.Any(ExactSources.Contains);
            if (exact && seenFuzzyOnly)
            {
                return true;
            }

            if (!exact && item.Sources.Contains(Source.Fuzzy))
            {
                seenFuzzyOnly = true;
            }
        }

        return false;
    }
}
