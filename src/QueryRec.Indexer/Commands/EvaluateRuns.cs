using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The baseline columns of <c>evaluate</c> (<see cref="EvaluateCommand"/>): the replay cases static MPC (the index
/// frozen at the split) and streaming MPC (offline) give for the test queries. The service's columns are
/// <see cref="EvaluateServiceRuns"/>.
/// </summary>
internal static class EvaluateRuns
{
    /// <summary>The static MPC replay cases (near-duplicate-collapsed and exact) of <paramref name="tests"/> over <paramref name="build"/>.</summary>
    internal static async Task<(List<ReplayCase> Near, List<ReplayCase> Exact)> StaticMpcAsync(IndexBuild build, List<string> tests, int maxPrefix, Func<string, string> nearKey, ProgressLine? progress, CancellationToken cancellationToken)
    {
        var store = new EmbeddedIndexStore(1);
        await store.PublishAsync(build, cancellationToken: cancellationToken);
        var snapshot = store.OpenSnapshot(build.Version);
        var info = await snapshot.GetInfoAsync(cancellationToken) ?? new IndexInfo();
        var indexed = info.MaxPrefixLength > 0 ? info.MaxPrefixLength : new BuildOptions().MaxPrefixLength;
        var nodes = new Dictionary<string, (IReadOnlyList<string> Near, IReadOnlyList<string> Exact)>(StringComparer.Ordinal);
        return await PrefixCasesAsync(tests, maxPrefix, async prefix =>
        {
            var key = QueryNormalizer.TruncateRunes(prefix, indexed);
            if (!nodes.TryGetValue(key, out var lists))
            {
                var node = await CompletionNodes.ReadNodeAsync(snapshot, CompletionTable.Prefix, key, info, cancellationToken);
                var texts = node is null ? [] : node.Completions.Select(static c => c.Text).ToArray();
                lists = (Collapse(texts, nearKey), texts.Take(ReplayMetrics.Depth).ToArray());
                nodes[key] = lists;
            }

            return lists;
        },
        _ => progress?.Add());
    }

    internal static Task<(List<ReplayCase> Near, List<ReplayCase> Exact)> StreamingMpcCasesAsync(IReadOnlyList<VocabularyEntry> vocabulary, List<string> tests, int maxPrefix, Func<string, string> nearKey, ProgressLine? progress)
    {
        var collapsed = new StreamingMpc(vocabulary, nearKey);
        var plain = new StreamingMpc(vocabulary);
        return PrefixCasesAsync(
            tests,
            maxPrefix,
            prefix => ValueTask.FromResult<(IReadOnlyList<string>, IReadOnlyList<string>)>((collapsed.Top(prefix, ReplayMetrics.Depth), plain.Top(prefix, ReplayMetrics.Depth))),
            q =>
            {
                collapsed.Add(q);
                plain.Add(q);
                progress?.Add();
            });
    }

    /// <summary>
    /// The near-duplicate-collapsed and exact replay cases of <paramref name="tests"/>, in order: for each query and each
    /// prefix length up to <paramref name="maxPrefix"/>, the lists <paramref name="shown"/> gives for that prefix;
    /// <paramref name="seen"/>, when given, is told each query once its cases are made.
    /// </summary>
    internal static async Task<(List<ReplayCase> Near, List<ReplayCase> Exact)> PrefixCasesAsync(
        List<string> tests,
        int maxPrefix,
        Func<string, ValueTask<(IReadOnlyList<string> Near, IReadOnlyList<string> Exact)>> shown,
        Action<string>? seen = null)
    {
        var near = new List<ReplayCase>(tests.Count);
        var exact = new List<ReplayCase>(tests.Count);
        foreach (var q in tests)
        {
            var n = Math.Min(maxPrefix, QueryNormalizer.RuneCount(q));
            var shownNear = new IReadOnlyList<string>[n];
            var shownExact = new IReadOnlyList<string>[n];
            for (var length = 1; length <= n; length++)
            {
                (shownNear[length - 1], shownExact[length - 1]) = await shown(QueryNormalizer.TruncateRunes(q, length));
            }

            near.Add(new ReplayCase(q, shownNear));
            exact.Add(new ReplayCase(q, shownExact));
            seen?.Invoke(q);
        }

        return (near, exact);
    }

    /// <summary>The first <see cref="ReplayMetrics.Depth"/> of <paramref name="texts"/>, one per key (the first form kept).</summary>
    internal static IReadOnlyList<string> Collapse(IReadOnlyList<string> texts, Func<string, string> key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>(ReplayMetrics.Depth);
        foreach (var text in texts)
        {
            if (result.Count < ReplayMetrics.Depth && seen.Add(key(text)))
            {
                result.Add(text);
            }
        }

        return result;
    }
}
