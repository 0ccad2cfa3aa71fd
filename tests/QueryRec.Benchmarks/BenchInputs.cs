using System.Text;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Recall;
using QueryRec.Storage;

namespace QueryRec.Benchmarks;

/// <summary>
/// Realistic typed inputs per match type, drawn with a fixed seed from the indexed queries (uniformly over distinct
/// queries). Each input is checked against the served version so that it exercises its path: an exact or pinyin or
/// infix input has a node in its table, and an input meant for the fallback round (any-order, typo, homophone) has no
/// exact-prefix node, so the fallback runs.
/// </summary>
internal sealed class BenchInputs(BenchIndex index, int seed)
{
    /// <summary>Inputs per match type.</summary>
    public const int Count = 256;

    /// <summary>The requests' limit (and the index's completions per node).</summary>
    public const int Limit = 10;

    private const int MaxAttempts = 200_000;

    private readonly Random _random = new(seed);
    private readonly IIndexSnapshot _snapshot = index.Serving.Snapshot;
    private readonly int _maxPrefix = index.Serving.MaxPrefixLength;
    private readonly int _maxPinyin = index.Serving.Info.MaxPinyinPrefixLength;
    private readonly int _maxInfix = index.Serving.Info.MaxInfixPrefixLength;

    /// <summary>
    /// A Latin prefix (2–8 characters) of a Best Buy query whose node is full (<see cref="Limit"/> completions), so
    /// the first round fills the limit and no fallback runs.
    /// </summary>
    public string[] ExactLatin() => LatinPrefixes(full: true);

    /// <summary>
    /// A Latin prefix (2–8 characters) of a Best Buy query whose node has fewer than <see cref="Limit"/> completions:
    /// exact recall is thin, so the fallback round (any-order infix, typo tolerance from 4 characters) runs too.
    /// </summary>
    public string[] ExactLatinThin() => LatinPrefixes(full: false);

    /// <summary>A hanzi prefix (1–4 hanzi) of a Taobao query whose node is full (no fallback).</summary>
    public string[] ExactHanzi() => Draw(index.Taobao, q =>
    {
        var hanzi = LeadingHanzi(q);
        if (hanzi.Length == 0)
        {
            return null;
        }

        var prefix = Join(hanzi.AsSpan(0, Math.Min(hanzi.Length, _random.Next(1, 5))));
        return Completions(CompletionTable.Prefix, prefix) >= Limit ? prefix : null;
    });

    /// <summary>The full pinyin of the first 2–4 hanzi of a Taobao query (each hanzi's first reading).</summary>
    public string[] PinyinFull() => Draw(index.Taobao, q =>
    {
        var hanzi = LeadingHanzi(q);
        var n = _random.Next(2, 5);
        if (hanzi.Length < n)
        {
            return null;
        }

        var key = string.Concat(hanzi.Take(n).Select(static r => PinyinConverter.Default.Readings(r)[0]));
        return Has(CompletionTable.PinyinFull, MatchInput.Truncate(key, _maxPinyin)) ? key : null;
    });

    /// <summary>The initials of the first 3–5 hanzi of a Taobao query.</summary>
    public string[] Initials() => Draw(index.Taobao, q =>
    {
        var hanzi = LeadingHanzi(q);
        var n = _random.Next(3, 6);
        if (hanzi.Length < n)
        {
            return null;
        }

        var key = string.Concat(hanzi.Take(n).Select(static r => PinyinConverter.Default.Readings(r)[0][0]));
        return Has(CompletionTable.PinyinInitials, key) ? key : null;
    });

    /// <summary>The first 1–3 hanzi of a Taobao query, then the next hanzi's full pinyin ("连yi", "连衣qun").</summary>
    public string[] Mixed() => Draw(index.Taobao, q =>
    {
        var hanzi = LeadingHanzi(q);
        var head = _random.Next(1, 4);
        if (hanzi.Length < head + 1)
        {
            return null;
        }

        var headText = Join(hanzi.AsSpan(0, head));
        var tail = PinyinConverter.Default.Readings(hanzi[head])[0];
        var key = PinyinConverter.Default.Keys(headText, 1)[0].Full + tail;
        return Has(CompletionTable.PinyinFull, MatchInput.Truncate(key, _maxPinyin)) ? headText + tail : null;
    });

    /// <summary>The 3–8 character prefix of a later word of a Best Buy query ("dress" of "red dress").</summary>
    public string[] InfixLatin() => Draw(index.BestBuy, q =>
    {
        var words = q.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            return null;
        }

        var word = words[_random.Next(1, words.Length)];
        if (word.Length < 3)
        {
            return null;
        }

        return InfixOrNull(word[..Math.Min(word.Length, _random.Next(3, 9))]);
    });

    /// <summary>2–4 hanzi from a later position of a Taobao query ("长款" of "连衣裙长款").</summary>
    public string[] InfixHanzi() => Draw(index.Taobao, q =>
    {
        var hanzi = LeadingHanzi(q);
        var n = _random.Next(2, 5);
        if (hanzi.Length < n + 1)
        {
            return null;
        }

        var start = _random.Next(1, hanzi.Length - n + 1);
        return InfixOrNull(Join(hanzi.AsSpan(start, n)));
    });

    /// <summary>
    /// A query's parts in another order, with no exact-prefix node: a Best Buy query of 2–3 words with its last word
    /// first ("dress red"), or an all-hanzi Taobao query of 4+ hanzi cut in two and swapped ("长款连衣" of "连衣裙长款"),
    /// the second part shortened to a prefix of 2+ hanzi.
    /// </summary>
    public string[] AnyOrder() => Draw(index.Taobao.Concat(index.BestBuy).ToList(), q =>
    {
        string input;
        var words = q.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 2 or 3 && words.All(static w => w.Length >= 2 && w.All(char.IsAscii)))
        {
            input = string.Join(' ', [words[^1], .. words[..^1]]);
        }
        else if (MatchInput.AllHanzi(q) is { Length: >= 4 } runes)
        {
            var cut = _random.Next(2, runes.Length - 1);
            var headLength = _random.Next(2, cut + 1);
            input = Join(runes.AsSpan(cut)) + Join(runes.AsSpan(0, headLength));
        }
        else
        {
            return null;
        }

        return Has(CompletionTable.Prefix, QueryNormalizer.TruncateRunes(input, _maxPrefix)) ? null : input;
    });

    /// <summary>One edit (substitution, insertion, deletion or transposition) of a 4–7 letter Best Buy prefix, still 4+ letters, not itself a prefix.</summary>
    public string[] Typo1() => Typos(4, 7, edits: 1);

    /// <summary>Two edits of an 8–12 letter Best Buy prefix, still 8+ letters, not itself a prefix.</summary>
    public string[] Typo2() => Typos(8, 12, edits: 2);

    /// <summary>
    /// A 2–4 hanzi prefix of an all-hanzi Taobao query with one hanzi replaced by another hanzi of the same first
    /// reading that occurs in the queries ("连衣群" of "连衣裙"), not itself a prefix.
    /// </summary>
    public string[] Homophone()
    {
        var byReading = new Dictionary<string, List<Rune>>(StringComparer.Ordinal);
        var seen = new HashSet<Rune>();
        foreach (var rune in index.Taobao.SelectMany(static q => q.EnumerateRunes()))
        {
            if (seen.Add(rune) && PinyinConverter.Default.Readings(rune) is [var reading, ..])
            {
                (byReading.TryGetValue(reading, out var list) ? list : byReading[reading] = []).Add(rune);
            }
        }

        return Draw(index.Taobao, q =>
        {
            var hanzi = LeadingHanzi(q);
            var n = _random.Next(2, 5);
            if (hanzi.Length < n)
            {
                return null;
            }

            var prefix = hanzi[..n];
            var at = _random.Next(n);
            var same = byReading[PinyinConverter.Default.Readings(prefix[at])[0]];
            if (same.Count < 2)
            {
                return null;
            }

            var other = same[_random.Next(same.Count)];
            if (other == prefix[at])
            {
                return null;
            }

            prefix[at] = other;
            var input = Join(prefix);
            return Has(CompletionTable.Prefix, input) ? null : input;
        });
    }

    private string[] LatinPrefixes(bool full) => Draw(index.BestBuy, q =>
    {
        if (q[0] is < 'a' or > 'z')
        {
            return null;
        }

        var prefix = q[..Math.Min(q.Length, _random.Next(2, 9))].TrimEnd();
        var completions = Completions(CompletionTable.Prefix, prefix);
        return prefix.Length >= 2 && completions > 0 && completions >= Limit == full ? prefix : null;
    });

    private string[] Typos(int minLength, int maxLength, int edits) => Draw(index.BestBuy, q =>
    {
        var length = _random.Next(minLength, maxLength + 1);
        if (q.Length < length || q.AsSpan(0, length).ContainsAnyExceptInRange('a', 'z'))
        {
            return null;
        }

        var typed = q[..length];
        for (var i = 0; i < edits; i++)
        {
            typed = Edit(typed);
        }

        // What is typed stays in the length band that allows this many edits (a deletion could leave it shorter).
        return typed.Length >= minLength && typed.Length <= maxLength + edits && !Has(CompletionTable.Prefix, typed) ? typed : null;
    });

    private string Edit(string s)
    {
        var at = _random.Next(s.Length);
        var letter = (char)('a' + _random.Next(26));
        return _random.Next(4) switch
        {
            0 => string.Concat(s.AsSpan(0, at), [letter], s.AsSpan(at + 1)),
            1 => s.Insert(at, letter.ToString()),
            2 when s.Length > 1 => s.Remove(at, 1),
            _ when at + 1 < s.Length => string.Concat(s.AsSpan(0, at), [s[at + 1], s[at]], s.AsSpan(at + 2)),
            _ => string.Concat(s.AsSpan(0, at), [letter], s.AsSpan(at + 1)),
        };
    }

    private string? InfixOrNull(string part) => Has(CompletionTable.Infix, QueryNormalizer.TruncateRunes(part, _maxInfix)) ? part : null;

    private bool Has(CompletionTable table, string key) => Completions(table, key) > 0;

    private int Completions(CompletionTable table, string key)
        => _snapshot.GetCompletionNodeAsync(table, key, CancellationToken.None).AsTask().GetAwaiter().GetResult()?.Completions.Count ?? 0;

    private string[] Draw(List<string> queries, Func<string, string?> make)
    {
        var inputs = new List<string>(Count);
        for (var attempt = 0; inputs.Count < Count && attempt < MaxAttempts; attempt++)
        {
            if (make(queries[_random.Next(queries.Count)]) is { } input)
            {
                inputs.Add(input);
            }
        }

        return inputs.Count == Count
            ? [.. inputs]
            : throw new InvalidOperationException($"only {inputs.Count} of {Count} inputs found in {MaxAttempts} attempts.");
    }

    private static Rune[] LeadingHanzi(string q)
        => q.EnumerateRunes().TakeWhile(static r => PinyinConverter.Default.IsHanzi(r)).ToArray();

    private static string Join(ReadOnlySpan<Rune> runes)
    {
        var builder = new StringBuilder();
        foreach (var rune in runes)
        {
            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }
}
