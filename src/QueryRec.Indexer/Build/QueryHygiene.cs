namespace QueryRec.Indexer.Build;

/// <summary>Decides which queries of the log the index keeps (hygiene rules, pins, misspellings).</summary>
internal static class QueryHygiene
{
    /// <summary>
    /// Hygiene, in this order (the first rule that matches counts the removal): pins keep, then numeric, blacklist, zero
    /// results, min count, min users; then misspellings. Returns the kept queries, the index in them of each query id
    /// (-1 when removed), and <paramref name="summary"/> with the removal counts.
    /// </summary>
    public static (KeptQuery[] Kept, int[] KeptIndex, BuildSummary Summary) Apply(LogAggregator agg, BuildOptions options, BuildSummary summary)
    {
        var lists = options.Lists;
        var pins = lists.Pins.ToDictionary(p => p.Query, StringComparer.Ordinal);
        var queries = agg.Queries;
        var unsearchedPins = new HashSet<string>(lists.Pins.Select(p => p.Query), StringComparer.Ordinal);
        for (var i = 0; i < queries.Count && unsearchedPins.Count > 0; i++)
        {
            unsearchedPins.Remove(queries[i].Text);
        }

        foreach (var pin in lists.Pins)
        {
            if (unsearchedPins.Remove(pin.Query))
            {
                queries.Add(new QueryAcc(pin.Query)); // pinned but never searched: kept with zero counts
            }
        }

        int seen = 0, numeric = 0, blacklist = 0, zero = 0, minCount = 0, minUsers = 0, rescued = 0;
        var kept = new List<KeptQuery>();
        var keptIndex = new int[queries.Count]; // query id -> index in kept, or -1
        Array.Fill(keptIndex, -1);
        for (var id = 0; id < queries.Count; id++)
        {
            var q = queries[id];
            if (q.Count > 0)
            {
                seen++;
            }

            var pinned = pins.TryGetValue(q.Text, out var pin);
            string? rule = null;
            if (q.Count == 0)
            {
                rule = "unsearched"; // a fragment only, or clicked without a final search: not a query of the log
            }
            else if (IndexBuilder.IsNumericId(q.Text, options.NumericMinDigits))
            {
                rule = "numeric";
            }
            else if (lists.IsBlacklisted(q.Text))
            {
                rule = "blacklist";
            }
            else if (IsZeroResult(q, options))
            {
                rule = "zero";
            }
            else if (q.Count < options.MinCount)
            {
                rule = "count";
            }
            else if (q.Users < options.MinUsers)
            {
                rule = "users";
            }

            if (pinned)
            {
                if (rule is not null)
                {
                    rescued++;
                }
            }
            else
            {
                switch (rule)
                {
                    case "unsearched": continue;
                    case "numeric": numeric++; continue;
                    case "blacklist": blacklist++; continue;
                    case "zero": zero++; continue;
                    case "count": minCount++; continue;
                    case "users": minUsers++; continue;
                }
            }

            keptIndex[id] = kept.Count;
            kept.Add(new KeptQuery(id, q, pinned, pinned ? pin!.Category : string.Empty));
        }

        var misspellings = 0;
        if (options.MisspellingRatio > 0 && kept.Count > 0)
        {
            // Misspellings of a much more popular kept query leave the completion tables (pinned ones stay).
            var dominant = Misspellings.Find(kept.ConvertAll(k => k.Acc.Text), kept.ConvertAll(k => k.Acc.Count), options.MisspellingRatio, Outcomes(agg, kept), options.TableThreads);
            var correct = new List<KeptQuery>(kept.Count);
            for (var k = 0; k < kept.Count; k++)
            {
                if (dominant[k] >= 0 && !kept[k].Pinned)
                {
                    keptIndex[kept[k].Id] = -1;
                    misspellings++;
                    continue;
                }

                keptIndex[kept[k].Id] = correct.Count;
                correct.Add(kept[k]);
            }

            kept = correct;
        }

        KeptQuery[] all = [.. kept];
        return (all, keptIndex, summary with
        {
            RemovedByMisspelling = misspellings,
            QueriesSeen = seen,
            RemovedByNumeric = numeric,
            RemovedByBlacklist = blacklist,
            RemovedByZeroResults = zero,
            RemovedByMinCount = minCount,
            RemovedByMinUsers = minUsers,
            Pinned = lists.Pins.Count,
            PinnedRescued = rescued,
        });
    }

    /// <summary>What followed the searches of each kept query, aligned with <paramref name="kept"/>.</summary>
    private static SearchOutcomes Outcomes(LogAggregator agg, List<KeptQuery> kept)
    {
        var outcomes = kept.ConvertAll(k => new SearchOutcomes.Outcome(
            k.Acc.Count, k.Acc.Clicks + k.Acc.Carts + k.Acc.Orders, k.Acc.KnownResults, k.Acc.ZeroResults, k.Acc.ResultsSum));
        return new SearchOutcomes(outcomes, (t, c) => agg.Transitions.GetValueOrDefault(((long)kept[t].Id << 32) | (uint)kept[c].Id));
    }

    /// <summary>
    /// Zero-result rule: an external result count (file) decides when present (0 → removed); otherwise the
    /// share of the query's final searches with a known result count that returned none, if ≥ the threshold.
    /// </summary>
    private static bool IsZeroResult(QueryAcc q, BuildOptions options)
    {
        if (options.Lists.ResultCounts.TryGetValue(q.Text, out var external))
        {
            return external == 0;
        }

        return q.KnownResults > 0 && (double)q.ZeroResults / q.KnownResults >= options.ZeroResultShare;
    }
}
