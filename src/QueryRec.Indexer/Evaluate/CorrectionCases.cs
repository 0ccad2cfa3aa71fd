using System.Globalization;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Evaluate;

/// <summary>One query to correct and what its user meant.</summary>
/// <param name="UserId">Who searched it.</param>
/// <param name="Typed">The query as searched.</param>
/// <param name="Intended">The query meant.</param>
/// <param name="Results">Its result count, when known.</param>
/// <param name="Kind">The case's label: <see cref="CorrectionCases.Label"/> for the simulator's, the mined kind for held-out pairs.</param>
internal sealed record CorrectionCase(string UserId, string Typed, string Intended, int? Results, string Kind);

/// <summary>The cases of <c>evaluate --correction</c>: the simulator's ground truth, or pairs mined from the test period.</summary>
internal static class CorrectionCases
{
    public const string Typo = "typo", Homophone = "homophone", HanziDropped = "hanzi dropped";

    /// <summary>
    /// The simulator's corrected typos (<c>simulate --truth</c>) searched at or after <paramref name="from"/>. A line
    /// that does not parse stops with its line number.
    /// </summary>
    public static List<CorrectionCase> ReadTruth(string path, DateTimeOffset from)
    {
        var cases = new List<CorrectionCase>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var f = text.Split('\t');
            if (f.Length != 5 || !DateTimeOffset.TryParse(f[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                || f[2].Length == 0 || f[3].Length == 0 || (f[4].Length > 0 && !int.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new CliUserException($"{path}:{line}: expected time<TAB>user<TAB>typed<TAB>intended<TAB>results (an ISO time, two non-empty queries, an empty or whole count).");
            }

            if (time >= from)
            {
                cases.Add(new CorrectionCase(f[1], f[2], f[3], f[4].Length == 0 ? null : int.Parse(f[4], CultureInfo.InvariantCulture), Label(f[2], f[3])));
            }
        }

        return cases;
    }

    /// <summary>
    /// Held-out pairs: the correction pairs the build's miner finds in the events at or after the split alone (so none of
    /// them was seen by the index under test), with their mined kind.
    /// </summary>
    public static List<CorrectionCase> HeldOutPairs(IEnumerable<LogEvent> events, DateTimeOffset split, TimeProvider time)
    {
        var test = events.Where(e => e.Time >= split).ToList();
        var build = IndexBuilder.Build(test, new BuildOptions { MinCount = 1 }, time).Build;
        return [.. build.Records
            .Where(static r => IndexKeys.KindOf(r.Key) == IndexKeys.CorrectionKind)
            .Select(static r => (Typed: r.Key[(IndexKeys.CorrectionKind.Length + 1)..], Pair: QueryCorrection.Parser.ParseFrom(r.Value)))
            .OrderBy(static p => p.Typed, StringComparer.Ordinal)
            .Select(static p => new CorrectionCase(string.Empty, p.Typed, p.Pair.Text, null, ((QueryEditKind)p.Pair.Kind).ToString().ToLowerInvariant()))];
    }

    /// <summary>
    /// How the simulator made the typo, from the two texts alone (independent of the corrector's own rules): the same
    /// runes but hanzi replaced is a homophone (the simulator's IME error), one hanzi fewer a dropped hanzi, else a typo.
    /// </summary>
    public static string Label(string typed, string intended)
    {
        var a = QueryNormalizer.Normalize(typed).EnumerateRunes().ToArray();
        var b = QueryNormalizer.Normalize(intended).EnumerateRunes().ToArray();
        if (a.Length == b.Length && a.Zip(b).All(p => p.First == p.Second || (PinyinConverter.Default.IsHanzi(p.First) && PinyinConverter.Default.IsHanzi(p.Second))))
        {
            return a.Zip(b).Any(p => p.First != p.Second && PinyinConverter.Default.IsHanzi(p.First)) ? Homophone : Typo;
        }

        return a.Length + 1 == b.Length && IsHanziDrop(a, b) ? HanziDropped : Typo;
    }

    private static bool IsHanziDrop(System.Text.Rune[] a, System.Text.Rune[] b)
    {
        for (var i = 0; i < b.Length; i++)
        {
            if (PinyinConverter.Default.IsHanzi(b[i]) && b.Take(i).Concat(b.Skip(i + 1)).SequenceEqual(a))
            {
                return true;
            }
        }

        return false;
    }
}
