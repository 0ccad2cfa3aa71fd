using System.Globalization;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Reads a plain query list for <c>build --queries</c>: one query per line, or <c>id&lt;TAB&gt;query</c> (the Taobao
/// list), or <c>query&lt;TAB&gt;count</c>. The first valid line decides whether the file carries counts; without
/// counts, the distinct queries are shuffled with a seed and ranked, and rank r gets popularity n / r^s (Zipf,
/// n the number of distinct queries) and count max(1, round(n / r^s)).
/// </summary>
internal sealed class QueryListReader(double zipf, int seed, Action<ImportError> onBadLine)
{
    /// <summary>Longest accepted line, in UTF-16 chars.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>Most lines read; a longer list is refused (split it or give counts).</summary>
    public const int MaxLines = 10_000_000;

    /// <summary>Valid lines whose normalized query was already listed (merged: counts add; without counts, the first rank wins).</summary>
    public long DuplicateLines { get; private set; }

    /// <summary>Distinct normalized queries read.</summary>
    public int DistinctQueries { get; private set; }

    /// <summary>Whether the list carried counts (null when it had no valid line).</summary>
    public bool? Counted { get; private set; }

    /// <summary>Reads every line into <paramref name="agg"/>.</summary>
    /// <exception cref="InvalidDataException">The list has more than <see cref="MaxLines"/> lines.</exception>
    public void Read(TextReader reader, LogAggregator agg, CancellationToken cancellationToken)
    {
        var uncounted = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            if (++lineNumber > MaxLines)
            {
                throw new InvalidDataException("the query list has more than 10,000,000 lines.");
            }

            if ((lineNumber & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (line.AsSpan().Trim().IsEmpty)
            {
                continue;
            }

            if (line.Length > MaxLineLength)
            {
                Bad(lineNumber, $"line longer than {MaxLineLength} characters");
                continue;
            }

            if (!TryParse(line, Counted, out var raw, out var count, out var reason))
            {
                Bad(lineNumber, reason);
                continue;
            }

            var counted = count is not null;
            if (Counted is { } mode && mode != counted)
            {
                Bad(lineNumber, mode ? "no count, but the list's first line has one (query<TAB>count)" : "a count, but the list's first line has none");
                continue;
            }

            var query = QueryNormalizer.Normalize(raw);
            if (query.Length == 0)
            {
                Bad(lineNumber, "the query is empty after normalization");
                continue;
            }

            Counted = counted;
            if (!seen.Add(query))
            {
                DuplicateLines++;
                if (!counted)
                {
                    continue;
                }
            }
            else if (!counted)
            {
                uncounted.Add(query);
            }

            if (counted)
            {
                agg.AddQueryTotals(query, count!.Value, count.Value);
            }
        }

        DistinctQueries = seen.Count;
        if (uncounted.Count > 0)
        {
            AddZipf(uncounted, agg);
        }
    }

    private void AddZipf(List<string> queries, LogAggregator agg)
    {
        var order = queries.ToArray();
        new Random(seed).Shuffle(order);
        double n = order.Length;
        for (var i = 0; i < order.Length; i++)
        {
            var popularity = n / Math.Pow(i + 1, zipf);
            agg.AddQueryTotals(order[i], Math.Max(1, (long)Math.Round(popularity)), popularity);
        }
    }

    /// <summary>
    /// Splits a line: <c>query</c>, <c>id&lt;TAB&gt;query</c> (id all digits) or <c>query&lt;TAB&gt;count</c> (count all
    /// digits). When both fields are digits, <paramref name="counted"/> (the list's mode, null while unknown) decides,
    /// and an unknown mode reads an id.
    /// </summary>
    internal static bool TryParse(string line, bool? counted, out string query, out long? count, out string reason)
    {
        query = string.Empty;
        count = null;
        reason = string.Empty;
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        if (tab < 0)
        {
            query = line;
            return true;
        }

        if (line.IndexOf('\t', tab + 1) >= 0)
        {
            reason = "more than two tab-separated fields (expected query, id<TAB>query or query<TAB>count)";
            return false;
        }

        var first = line.AsSpan(0, tab).Trim();
        var second = line.AsSpan(tab + 1).Trim();
        var firstIsId = first.Length > 0 && IsDigits(first);
        var secondIsCount = second.Length > 0 && IsDigits(second);
        if (secondIsCount && (!firstIsId || counted == true))
        {
            if (!long.TryParse(second, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                reason = $"the count '{second}' is not a whole number from 1 to {long.MaxValue}";
                return false;
            }

            query = first.ToString();
            count = n;
            return true;
        }

        if (firstIsId)
        {
            query = second.ToString();
            return true;
        }

        reason = "two fields, but neither 'id<TAB>query' (digits first) nor 'query<TAB>count' (digits second)";
        return false;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private void Bad(long lineNumber, string reason) => onBadLine(new ImportError(lineNumber, reason));
}
