using System.Text.RegularExpressions;
using QueryRec.Core.Normalization;

namespace QueryRec.Core.Hygiene;

/// <summary>
/// A blacklist of normalized terms and regular expressions, in the indexer's list syntax: a plain entry is a term
/// that removes a query equal to it or holding it as a whole-word sequence; <c>re:PATTERN</c> removes a query the
/// pattern matches anywhere. Immutable and thread-safe.
/// </summary>
public sealed class QueryBlacklist
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    private readonly HashSet<string> _terms;
    private readonly Regex[] _patterns;

    private QueryBlacklist(HashSet<string> terms, Regex[] patterns)
    {
        _terms = terms;
        _patterns = patterns;
    }

    /// <summary>The empty blacklist.</summary>
    public static QueryBlacklist Empty { get; } = new([], []);

    /// <summary>Whether nothing is blacklisted.</summary>
    public bool IsEmpty => _terms.Count == 0 && _patterns.Length == 0;

    /// <summary>How many distinct terms it holds.</summary>
    public int TermCount => _terms.Count;

    /// <summary>How many regular expressions it holds.</summary>
    public int PatternCount => _patterns.Length;

    /// <summary>Parses entries; returns false with the first error (naming the entry) when one is invalid.</summary>
    public static bool TryParse(IEnumerable<string> entries, out QueryBlacklist blacklist, out string? error)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var terms = new HashSet<string>(StringComparer.Ordinal);
        var patterns = new List<Regex>();
        blacklist = Empty;
        var index = 0;
        foreach (var entry in entries)
        {
            if (entry.StartsWith("re:", StringComparison.Ordinal))
            {
                var pattern = entry[3..].Trim();
                if (pattern.Length == 0)
                {
                    error = $"entry {index} ('{entry}'): empty regular expression after 're:'";
                    return false;
                }

                try
                {
                    patterns.Add(new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout));
                }
                catch (ArgumentException ex)
                {
                    error = $"entry {index} ('{entry}'): invalid regular expression: {ex.Message}";
                    return false;
                }
            }
            else
            {
                var term = QueryNormalizer.Normalize(entry);
                if (term.Length == 0)
                {
                    error = $"entry {index} ('{entry}'): the term is empty after normalization";
                    return false;
                }

                terms.Add(term);
            }

            index++;
        }

        blacklist = new QueryBlacklist(terms, [.. patterns]);
        error = null;
        return true;
    }

    /// <summary>True when the normalized query is blacklisted.</summary>
    public bool IsBlacklisted(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_terms.Contains(query))
        {
            return true;
        }

        foreach (var term in _terms)
        {
            if (ContainsWords(query, term))
            {
                return true;
            }
        }

        foreach (var pattern in _patterns)
        {
            try
            {
                if (pattern.IsMatch(query))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return true; // a pathological pattern: err on the side of removing
            }
        }

        return false;
    }

    private static bool ContainsWords(string query, string term)
    {
        var from = 0;
        while (from <= query.Length - term.Length)
        {
            var at = query.IndexOf(term, from, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            var end = at + term.Length;
            if ((at == 0 || query[at - 1] == ' ') && (end == query.Length || query[end] == ' '))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }
}
