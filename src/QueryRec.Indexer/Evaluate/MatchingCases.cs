using System.Buffers;
using System.Globalization;
using QueryRec.Core;

namespace QueryRec.Indexer.Evaluate;

/// <summary>
/// One evaluation case: what is typed, the query the user means, and when that query is reachable at all.
/// </summary>
/// <param name="Group">The form or edit being measured ("pinyin-full", "typo-transposition", ...).</param>
/// <param name="Typed">What the user types.</param>
/// <param name="Expected">The normalized query the user means.</param>
/// <param name="Baseline">
/// An exact prefix: the case counts only when <paramref name="Expected"/> is in the top 10 for it (the query is
/// reachable at all), or null when the case always counts.
/// </param>
internal sealed record EvalCase(string Group, string Typed, string Expected, string? Baseline)
{
    /// <summary>The case as one TSV line: group, typed, expected, baseline ("-" when none).</summary>
    public string ToLine() => string.Join('\t', Group, Typed, Expected, Baseline ?? "-");

    /// <summary>Parses a line written by <see cref="ToLine"/>; throws <see cref="FormatException"/> naming the line.</summary>
    public static EvalCase Parse(string line, int lineNumber)
    {
        var parts = line.Split('\t');
        if (parts.Length != 4 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            throw new FormatException($"line {lineNumber.ToString(CultureInfo.InvariantCulture)}: expected 4 tab-separated fields: group, typed, expected, baseline (or -).");
        }

        return new EvalCase(parts[0], parts[1], parts[2], parts[3] == "-" ? null : parts[3]);
    }
}

/// <summary>Generates evaluation cases from an index's vocabulary.</summary>
internal static class MatchingCases
{
    /// <summary>How many results count as a hit.</summary>
    public const int TopN = 10;

    /// <summary>
    /// Pinyin cases for sampled queries that start with hanzi: a full-pinyin prefix of 2–4 syllables, an initials
    /// prefix of 3–5 letters, and a mixed prefix (the first j hanzi, then the next syllable in pinyin); from the whole
    /// pool, the two rare forms: pinyin through a punctuation mark, and mixed input through the rest of a query that
    /// holds ASCII letters or digits. A case is kept only when the form is unambiguous among the candidates: the query is among the <see cref="TopN"/> most popular
    /// queries of the vocabulary whose reference form starts with what is typed. Returns the cases and, per form,
    /// how many were dropped as ambiguous.
    /// </summary>
    public static (List<EvalCase> Cases, Dictionary<string, int> Ambiguous) Pinyin(
        IReadOnlyList<VocabularyEntry> vocabulary,
        IReadOnlyDictionary<string, ReferencePinyin> reference,
        int sample,
        int seed)
    {
        var known = vocabulary.Where(e => reference.ContainsKey(e.Text)).ToList();
        var rank = new Dictionary<string, int>(known.Count, StringComparer.Ordinal);
        for (var i = 0; i < known.Count; i++)
        {
            rank[known[i].Text] = i;
        }

        var byFull = known.Select(e => (Key: reference[e.Text].Full(), Rank: rank[e.Text])).OrderBy(static x => x.Key, StringComparer.Ordinal).ToArray();
        var byInitials = known.Select(e => (Key: reference[e.Text].Initials(), Rank: rank[e.Text])).OrderBy(static x => x.Key, StringComparer.Ordinal).ToArray();
        var byText = known.Select(e => (Key: e.Text, Rank: rank[e.Text])).OrderBy(static x => x.Key, StringComparer.Ordinal).ToArray();

        var random = new Random(seed);
        var eligible = known.Where(e => reference[e.Text].LeadingHanzi() >= 2).ToList();
        Shuffle(eligible, random);
        var cases = new List<EvalCase>();
        var ambiguous = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["pinyin-full"] = 0, ["pinyin-initials"] = 0, ["pinyin-mixed"] = 0, ["pinyin-punctuation"] = 0, [MixedRest] = 0,
        };
        foreach (var entry in eligible.Take(sample))
        {
            var r = reference[entry.Text];
            var lead = r.LeadingHanzi();
            var own = rank[entry.Text];

            var k = random.Next(2, Math.Min(lead, 4) + 1);
            var full = string.Concat(r.Syllables.Take(k));
            Add("pinyin-full", full, CountBetter(byFull, full, own, static (_, _) => true));

            if (lead >= 3)
            {
                var m = random.Next(3, Math.Min(lead, 5) + 1);
                var initials = string.Concat(r.Syllables.Take(m).Select(static s => s![0]));
                Add("pinyin-initials", initials, CountBetter(byInitials, initials, own, static (_, _) => true));
            }

            var j = random.Next(1, lead);
            var head = entry.Text[..j];
            var next = r.Syllables[j]!;
            var better = CountBetter(byText, head, own, (text, _) => reference[text].Syllables.Length > j && reference[text].Full(j).StartsWith(next, StringComparison.Ordinal));
            Add("pinyin-mixed", head + next, better);

            void Add(string group, string typed, int betterCount)
            {
                if (betterCount < TopN)
                {
                    cases.Add(new EvalCase(group, typed, entry.Text, null));
                }
                else
                {
                    ambiguous[group]++;
                }
            }
        }

        // Full pinyin typed through the first punctuation mark after the leading hanzi and one character beyond it
        // ("shuzhuoshimu1.8" for 书桌实木1.8米). Such queries are rare (under 1 % of the Taobao set), so they come from
        // the whole shuffled pool rather than from the sample above, which leaves that sample's draws unchanged.
        var punctuated = 0;
        foreach (var entry in eligible)
        {
            if (punctuated >= sample)
            {
                break;
            }

            var r = reference[entry.Text];
            var end = PunctuationEnd(entry.Text, r.LeadingHanzi());
            var typed = end < 0 ? string.Empty : r.Typed(end);

            // A prefix over the request limit is refused by the server: no case.
            if (typed.Length is 0 or > Limits.MaxPrefixLength)
            {
                continue;
            }

            var key = typed.Replace(" ", string.Empty, StringComparison.Ordinal);
            punctuated++;
            if (CountBetter(byFull, key, rank[entry.Text], static (_, _) => true) < TopN)
            {
                cases.Add(new EvalCase("pinyin-punctuation", typed, entry.Text, null));
            }
            else
            {
                ambiguous["pinyin-punctuation"]++;
            }
        }

        // The first hanzi as typed, then the rest of the query with its hanzi in pinyin and everything else as it is
        // ("佳nengr5" for 佳能r5), for queries with an ASCII letter or digit after their leading hanzi: mixed input that goes
        // on past the pinyin. Rare too, so from the whole shuffled pool like the punctuation form.
        var rest = 0;
        foreach (var entry in eligible)
        {
            if (rest >= sample)
            {
                break;
            }

            var r = reference[entry.Text];
            var lead = r.LeadingHanzi();
            if (!entry.Text.AsSpan(lead).ContainsAny(AsciiLettersAndDigits))
            {
                continue;
            }

            var head = entry.Text[..1];
            var typed = head + r.Typed(1, entry.Text.Length);
            if (typed.Length > Limits.MaxPrefixLength)
            {
                continue;
            }

            var key = KeyOf(r.Typed(1, entry.Text.Length));
            rest++;
            var better = CountBetter(byText, head, rank[entry.Text], (text, _) => KeyOf(reference[text].Full(1)).StartsWith(key, StringComparison.Ordinal));
            if (better < TopN)
            {
                cases.Add(new EvalCase(MixedRest, typed, entry.Text, null));
            }
            else
            {
                ambiguous[MixedRest]++;
            }
        }

        return (cases, ambiguous);

        int CountBetter((string Key, int Rank)[] sorted, string prefix, int own, Func<string, int, bool> accept)
        {
            var better = 0;
            var start = LowerBound(sorted, prefix);
            for (var i = start; i < sorted.Length && sorted[i].Key.StartsWith(prefix, StringComparison.Ordinal); i++)
            {
                if (sorted[i].Rank < own && accept(known[sorted[i].Rank].Text, sorted[i].Rank))
                {
                    better++;
                    if (better >= TopN)
                    {
                        break;
                    }
                }
            }

            return better;
        }
    }

    /// <summary>The group of mixed input typed on through the rest of the query ("佳nengr5" for 佳能r5).</summary>
    public const string MixedRest = "pinyin-mixed-rest";

    private static readonly SearchValues<char> AsciiLettersAndDigits = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>The letters and digits of a typed or reference text: what the pinyin keys are made of.</summary>
    private static string KeyOf(string text) => string.Concat(text.Where(char.IsLetterOrDigit));

    /// <summary>The suffix of the group that repeats a pinyin case whose query holds Latin letters, digits or punctuation.</summary>
    public const string LatinDigitPunctuation = " latin/digit/punct";

    /// <summary>
    /// The cases, each pinyin case whose expected query holds an ASCII letter, digit or punctuation mark also repeated
    /// in a group of its own ("pinyin-full latin/digit/punct"), so that a run reports that subset apart. The
    /// pinyin-punctuation and pinyin-mixed-rest forms are not repeated: all their queries hold ASCII.
    /// </summary>
    public static IEnumerable<EvalCase> WithLatinDigitPunctuationGroups(IEnumerable<EvalCase> cases)
    {
        foreach (var c in cases)
        {
            yield return c;
            if (c.Group.StartsWith("pinyin-", StringComparison.Ordinal) && c.Group is not ("pinyin-punctuation" or MixedRest)
                && c.Expected.Any(static ch => ch is > ' ' and < (char)0x80))
            {
                yield return c with { Group = c.Group + LatinDigitPunctuation };
            }
        }
    }

    /// <summary>
    /// The length of the prefix that runs through the first ASCII punctuation mark at or after
    /// <paramref name="from"/> and one more character, or -1 when there is no such mark with a character after it.
    /// </summary>
    private static int PunctuationEnd(string text, int from)
    {
        for (var i = from; i + 1 < text.Length; i++)
        {
            if (char.IsAsciiLetterOrDigit(text[i]) || text[i] is <= ' ' or >= (char)0x80)
            {
                continue;
            }

            return text[i + 1] == ' ' ? -1 : i + 2;
        }

        return -1;
    }

    /// <summary>
    /// Typo cases: for sampled queries of at least <paramref name="minLength"/>+1 characters, a prefix of
    /// <paramref name="minLength"/>–12 characters with one edit (substitution, insertion, deletion, adjacent
    /// transposition, in turn) that leaves at least <paramref name="minLength"/> characters. The baseline is the
    /// exact prefix, so a case counts only when the query is reachable without the typo.
    /// </summary>
    public static List<EvalCase> Typos(IReadOnlyList<VocabularyEntry> vocabulary, int sample, int seed, int minLength = 4)
    {
        var random = new Random(seed);
        var pool = vocabulary.Where(e => e.Text.Length > minLength && !e.Text.Any(char.IsSurrogate)).ToList();
        Shuffle(pool, random);
        var cases = new List<EvalCase>();
        var edits = new[] { "substitution", "insertion", "deletion", "transposition" };
        var next = 0;
        foreach (var entry in pool)
        {
            if (cases.Count >= sample)
            {
                break;
            }

            var edit = edits[next % edits.Length];
            var low = edit == "deletion" ? minLength + 1 : minLength;
            var high = Math.Min(entry.Text.Length, 12);
            if (low > high)
            {
                continue;
            }

            var prefix = entry.Text[..random.Next(low, high + 1)];
            if (prefix.EndsWith(' '))
            {
                continue;
            }

            var typed = Apply(edit, prefix, random);
            if (typed is null || typed == prefix || entry.Text.StartsWith(typed, StringComparison.Ordinal))
            {
                continue;
            }

            cases.Add(new EvalCase("typo-" + edit, typed, entry.Text, prefix));
            next++;
        }

        return cases;
    }

    /// <summary>Applies one edit of the given kind at a random position; null when it cannot be applied.</summary>
    public static string? Apply(string edit, string prefix, Random random)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        switch (edit)
        {
            case "substitution":
            {
                var at = random.Next(prefix.Length);
                char c;
                do
                {
                    c = letters[random.Next(letters.Length)];
                }
                while (c == prefix[at]);
                return string.Concat(prefix.AsSpan(0, at), c.ToString(), prefix.AsSpan(at + 1));
            }

            case "insertion":
            {
                var at = random.Next(1, prefix.Length + 1);
                return prefix.Insert(at, letters[random.Next(26)].ToString());
            }

            case "deletion":
            {
                var at = random.Next(1, prefix.Length);
                return prefix.Remove(at, 1);
            }

            case "transposition":
            {
                var positions = Enumerable.Range(0, prefix.Length - 1).Where(i => prefix[i] != prefix[i + 1]).ToList();
                if (positions.Count == 0)
                {
                    return null;
                }

                var at = positions[random.Next(positions.Count)];
                var chars = prefix.ToCharArray();
                (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                return new string(chars);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(edit), edit, "Unknown edit.");
        }
    }

    private static int LowerBound((string Key, int Rank)[] sorted, string prefix)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(sorted[mid].Key, prefix) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static void Shuffle<T>(List<T> list, Random random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
