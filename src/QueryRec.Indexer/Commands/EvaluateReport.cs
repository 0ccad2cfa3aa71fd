using System.Globalization;
using System.Text.Json;
using QueryRec.Indexer.Evaluate;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The JSON of <c>evaluate --json</c>: the run's facts, then one entry per column. Fields are only ever added, so a
/// reader of an older report keeps working; a column's <c>state</c> tells cold from streaming.
/// </summary>
internal sealed class EvaluateReport(
    EvaluateArgs args,
    DateTimeOffset split,
    TimeSpan warmup,
    TimeSpan rebuildEvery,
    IReadOnlyDictionary<string, string?> settings,
    BuiltIndex built,
    int testSearches,
    ServerFacts? server,
    TimeSpan elapsed)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string ToJson(IReadOnlyList<RankerRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var baseline = runs[0].Near.Overall.Mrr10;
        var all = args.Mode == EvaluateMode.All;
        var payload = new
        {
            mode = args.Mode.ToString().ToLowerInvariant(),
            split = split.ToString("O", CultureInfo.InvariantCulture),
            warmup = all ? warmup.ToString("c", CultureInfo.InvariantCulture) : null,
            rebuildEvery = all && rebuildEvery > TimeSpan.Zero ? rebuildEvery.ToString("c", CultureInfo.InvariantCulture) : null,
            testQueries = "every search event at or after the split with a non-empty normalized query, once per (user, query, time)",
            repeatedSearchRowsDropped = built.RepeatedSearches,
            hitRule = "near: a shown text with the query's collapse key in the built index (NearDuplicates.Key, or the index's spacing fold) is a hit (MPC lists collapsed by that key, as the service does); exact: the same text, MPC lists as indexed",
            states = "cold: nothing of the test period is known (static MPC; the service with nothing reported to it); streaming: each test search is known once made (streaming MPC; the service with the warmup reported first and each test search reported after its prefixes were asked)",
            ownLastQueryRows = $"pairs with a prefix of at least {OwnLastQuery.MinPrefix} runes of the test searches whose user searched the same normalized query at most {OwnLastQuery.Window.TotalHours:0} h (event time) before",
            eventsBeforeSplit = built.EventsBeforeSplit,
            testSearches,
            queriesKept = built.Result.Summary.QueriesKept,
            indexVersion = built.Result.Build.Version,
            indexWritten = args.WriteIndex,
            maxPrefix = args.MaxPrefix,
            pSavedTopK = args.SavedTopK,
            model = args.ModelPath,
            settings,
            server = server is null ? null : new
            {
                address = server.Address,
                clock = "wall: events stamped with the time they were sent, in the log's order (the gaps between them are not kept)",
                modelVersions = server.ModelVersions,
                indexVersions = server.IndexVersions,
                firstRejection = server.FirstRejection,
            },
            seconds = elapsed.TotalSeconds,
            rankers = runs.Select(r => new
            {
                name = r.Name,
                kind = r.Ceiling ? "ceiling" : "ranker",
                state = r.State,
                seconds = r.Elapsed.TotalSeconds,
                relativeMrr10VsStaticMpc = baseline == 0 ? 0 : (r.Near.Overall.Mrr10 / baseline) - 1,
                near = r.Near,
                exact = r.Exact,
                ownLastQuery = r.OwnLastQuery,
                replay = r.Stats,
            }),
        };
        return JsonSerializer.Serialize(payload, JsonOptions);
    }
}
