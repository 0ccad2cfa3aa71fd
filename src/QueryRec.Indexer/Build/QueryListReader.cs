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
/// <remarks>
/// Lines are read a block at a time and their queries normalized on <c>threads</c> threads; everything else (modes,
/// bad lines, duplicates, counts) happens line by line in file order, so the result does not depend on the threads.
/// </remarks>
internal sealed class QueryListReader(double zipf, int seed, Action<ImportError> onBadLine, int threads = 1)
{
    /// <summary>Lines read and normalized at once.</summary>
    private const int BlockLines = 16_384;

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
        var block = new string[BlockLines];
        var prepared = new (string Raw, string Query)?[BlockLines];
        while (true)
        {
            var lines = 0;
            while (lines < BlockLines && reader.ReadLine() is { } read)
            {
                block[lines++] = read;
            }

            if (lines == 0)
            {
                break;
            }

            if (threads > 1)
            {
                var mode = Counted;
                OrderedParallel.Run(0, lines, threads, static () => 0, (i, _) => prepared[i] = Prepare(block[i], mode));
            }

            for (var i = 0; i < lines; i++)
            {
                ReadLine(block[i], prepared[i], ++lineNumber, uncounted, seen, agg, cancellationToken);
            }
        }

        DistinctQueries = seen.Count;
        if (uncounted.Count > 0)
        {
            AddZipf(uncounted, agg);
        }
    }

    /// <summary>A line's query and its normalized form, parsed in the list's mode as it was when its block was read; null when it is bad.</summary>
    private static (string Raw, string Query)? Prepare(string line, bool? mode)
        => line.Length <= MaxLineLength && TryParse(line, mode, out var raw, out _, out _) ? (raw, QueryNormalizer.Normalize(raw)) : null;

    /// <summary>One line, in file order: <paramref name="prepared"/> holds its normalized query when the mode has not changed since.</summary>
    private void ReadLine(string line, (string Raw, string Query)? prepared, long lineNumber, List<string> uncounted, HashSet<string> seen, LogAggregator agg, CancellationToken cancellationToken)
    {
        if (lineNumber > MaxLines)
        {
            throw new InvalidDataException("the query list has more than 10,000,000 lines.");
        }

        if ((lineNumber & 0xFFFF) == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (line.AsSpan().Trim().IsEmpty)
        {
            return;
        }

        if (line.Length > MaxLineLength)
        {
            Bad(lineNumber, $"line longer than {MaxLineLength} characters");
            return;
        }

        if (!TryParse(line, Counted, out var raw, out var count, out var reason))
        {
            Bad(lineNumber, reason);
            return;
        }

        var counted = count is not null;
        if (Counted is { } mode && mode != counted)
        {
            Bad(lineNumber, mode ? "no count, but the list's first line has one (query<TAB>count)" : "a count, but the list's first line has none");
            return;
        }

        var query = prepared is { } p && p.Raw == raw ? p.Query : QueryNormalizer.Normalize(raw);
        if (query.Length == 0)
        {
            Bad(lineNumber, "the query is empty after normalization");
            return;
        }

        Counted = counted;
        if (!seen.Add(query))
        {
            DuplicateLines++;
            if (!counted)
            {
                return;
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
