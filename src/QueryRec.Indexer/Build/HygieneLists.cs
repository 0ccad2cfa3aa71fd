using System.Globalization;
using QueryRec.Core.Hygiene;
using QueryRec.Core.Normalization;

namespace QueryRec.Indexer.Build;

/// <summary>A bad line in an operator list file (blacklist, whitelist, result counts).</summary>
public sealed class ListFileException(string file, long lineNumber, string reason)
    : Exception($"{file}:{lineNumber}: {reason}")
{
    /// <summary>The file.</summary>
    public string File { get; } = file;

    /// <summary>The 1-based line number.</summary>
    public long LineNumber { get; } = lineNumber;

    /// <summary>What is wrong with the line.</summary>
    public string Reason { get; } = reason;
}

/// <summary>A pinned query of the whitelist.</summary>
/// <param name="Query">The normalized query.</param>
/// <param name="Category">The category given for it, or empty.</param>
public sealed record PinnedQuery(string Query, string Category);

/// <summary>
/// The lists operators edit (see docs/indexer-build.md): a blacklist of terms and regular expressions, a
/// whitelist of pinned queries, and external result counts. Each file: UTF-8, one entry per line, blank
/// lines and lines starting with '#' ignored.
/// </summary>
public sealed class HygieneLists
{
    /// <summary>No lists.</summary>
    public static readonly HygieneLists Empty = new(QueryBlacklist.Empty, [], new Dictionary<string, long>(StringComparer.Ordinal));

    private HygieneLists(QueryBlacklist blacklist, IReadOnlyList<PinnedQuery> pins, IReadOnlyDictionary<string, long> resultCounts)
    {
        Blacklist = blacklist;
        Pins = pins;
        ResultCounts = resultCounts;
    }

    /// <summary>The blacklist: the same matcher the server applies to real-time candidates.</summary>
    public QueryBlacklist Blacklist { get; }

    /// <summary>Pinned queries, in file order, without duplicates.</summary>
    public IReadOnlyList<PinnedQuery> Pins { get; }

    /// <summary>External result counts per normalized query.</summary>
    public IReadOnlyDictionary<string, long> ResultCounts { get; }

    /// <summary>Reads the files that are given (null: no such list).</summary>
    /// <exception cref="ListFileException">A line is invalid.</exception>
    public static HygieneLists Load(string? blacklist, string? whitelist, string? resultCounts)
    {
        var entries = new List<string>();
        if (blacklist is not null)
        {
            foreach (var (line, n) in Lines(blacklist))
            {
                // Each line is checked on its own first, so an error names its line.
                if (!QueryBlacklist.TryParse([line], out _, out var error))
                {
                    // The core message starts "entry 0 ('…'): "; the file error names the line instead.
                    var reason = error ?? "invalid entry";
                    throw new ListFileException(blacklist, n, reason[(reason.IndexOf("): ", StringComparison.Ordinal) + 3)..]);
                }

                entries.Add(line);
            }
        }

        QueryBlacklist.TryParse(entries, out var parsed, out _);

        var pins = new List<PinnedQuery>();
        if (whitelist is not null)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (line, n) in Lines(whitelist))
            {
                var parts = line.Split('\t');
                if (parts.Length > 2)
                {
                    throw new ListFileException(whitelist, n, $"expected 'query' or 'query<TAB>category', found {parts.Length} tab-separated fields");
                }

                var query = NormalizeOrThrow(whitelist, n, parts[0]);
                var category = parts.Length == 2 ? parts[1].Trim() : string.Empty;
                if (parts.Length == 2 && category.Length == 0)
                {
                    throw new ListFileException(whitelist, n, "the category after the tab is empty");
                }

                if (seen.Add(query))
                {
                    pins.Add(new PinnedQuery(query, category));
                }
            }
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if (resultCounts is not null)
        {
            foreach (var (line, n) in Lines(resultCounts))
            {
                var tab = line.LastIndexOf('\t');
                if (tab < 0)
                {
                    throw new ListFileException(resultCounts, n, "expected 'query<TAB>count'");
                }

                var query = NormalizeOrThrow(resultCounts, n, line[..tab]);
                if (!long.TryParse(line.AsSpan(tab + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    throw new ListFileException(resultCounts, n, $"count '{line[(tab + 1)..].Trim()}' is not a non-negative integer");
                }

                counts[query] = count;
            }
        }

        return new HygieneLists(parsed, pins, counts);
    }

    /// <summary>
    /// True when a normalized query is blacklisted: it equals a term, holds a term as a whole-word sequence,
    /// or a pattern matches it anywhere (see <see cref="QueryBlacklist"/>).
    /// </summary>
    public bool IsBlacklisted(string query) => Blacklist.IsBlacklisted(query);

    private static string NormalizeOrThrow(string file, long n, string text)
    {
        var normalized = QueryNormalizer.Normalize(text);
        return normalized.Length == 0 ? throw new ListFileException(file, n, "the query is empty after normalization") : normalized;
    }

    private static IEnumerable<(string Line, long Number)> Lines(string path)
    {
        long n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            yield return (line.Trim(' '), n);
        }
    }
}
