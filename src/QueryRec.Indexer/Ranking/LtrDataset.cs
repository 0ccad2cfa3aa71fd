using System.Globalization;
using System.Text;
using QueryRec.Core.Ranking;

namespace QueryRec.Indexer.Ranking;

/// <summary>One learning-to-rank row: a candidate of a group (one prefix typed by one user), its graded label and its features.</summary>
/// <param name="Group">The group id; the rows of a group are contiguous.</param>
/// <param name="Label">Relevance grade, 0 (not chosen) to 4.</param>
/// <param name="Features">The feature vector in <see cref="FeatureSchema"/> order.</param>
internal sealed record LtrRow(uint Group, float Label, float[] Features);

/// <summary>
/// Learning-to-rank rows in the TSV format of <c>indexer train --input</c>: a header line
/// <c>group, label, then the schema's feature names in order</c>, then one row per candidate. See docs/ranking.md.
/// </summary>
internal static class LtrDataset
{
    /// <summary>The largest label.</summary>
    public const int MaxLabel = 4;

    /// <summary>The header line the reader expects (tab-separated).</summary>
    public static string Header => string.Join('\t', new[] { "group", "label" }.Concat(FeatureSchema.Names));

    /// <summary>Reads a TSV file; throws <see cref="InvalidDataException"/> with the file name and line number on bad input.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxRows">Stop with an error beyond this many rows (bounded input).</param>
    public static List<LtrRow> Read(string path, int maxRows)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, Path.GetFileName(path), maxRows);
    }

    /// <summary>Reads TSV text; <paramref name="source"/> names it in errors.</summary>
    public static List<LtrRow> Read(TextReader reader, string source, int maxRows)
    {
        var rows = new List<LtrRow>();
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{source}: line 1: empty file, expected the header '{Header}'.");
        CheckHeader(header.TrimEnd('\r'), source);
        var seen = new HashSet<uint>();
        uint? current = null;
        var lineNumber = 1;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            line = line.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (rows.Count >= maxRows)
            {
                throw new InvalidDataException($"{source}: line {lineNumber}: more than {maxRows} rows (raise --max-rows).");
            }

            var fields = line.Split('\t');
            if (fields.Length != FeatureSchema.Count + 2)
            {
                throw new InvalidDataException($"{source}: line {lineNumber}: {fields.Length} fields, expected {FeatureSchema.Count + 2}.");
            }

            if (!uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var group))
            {
                throw new InvalidDataException($"{source}: line {lineNumber}: group '{fields[0]}' is not a non-negative integer.");
            }

            if (group != current)
            {
                if (!seen.Add(group))
                {
                    throw new InvalidDataException($"{source}: line {lineNumber}: group {group} appears again after other groups; the rows of a group must be contiguous.");
                }

                current = group;
            }

            if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var label) || label > MaxLabel)
            {
                throw new InvalidDataException($"{source}: line {lineNumber}: label '{fields[1]}' is not an integer from 0 to {MaxLabel}.");
            }

            var features = new float[FeatureSchema.Count];
            for (var i = 0; i < features.Length; i++)
            {
                if (!float.TryParse(fields[i + 2], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                {
                    throw new InvalidDataException($"{source}: line {lineNumber}: feature {FeatureSchema.Names[i]} '{fields[i + 2]}' is not a finite number.");
                }

                features[i] = value;
            }

            rows.Add(new LtrRow(group, label, features));
        }

        return rows;
    }

    /// <summary>Writes rows in the TSV format (header first).</summary>
    public static void Write(TextWriter writer, IEnumerable<LtrRow> rows)
    {
        writer.Write(Header);
        writer.Write('\n');
        foreach (var row in rows)
        {
            writer.Write(row.Group.ToString(CultureInfo.InvariantCulture));
            writer.Write('\t');
            writer.Write(((int)row.Label).ToString(CultureInfo.InvariantCulture));
            foreach (var value in row.Features)
            {
                writer.Write('\t');
                writer.Write(value.ToString("R", CultureInfo.InvariantCulture));
            }

            writer.Write('\n');
        }
    }

    /// <summary>
    /// A deterministic toy set: <paramref name="groups"/> groups of 8 candidates whose label grows with
    /// popularity_rel, ctr, user_history_affinity and a prefix match, plus noise. Same arguments, same rows.
    /// </summary>
    public static List<LtrRow> Synthetic(int groups, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        const int perGroup = 8;
        var random = new Random(seed);
        var rows = new List<LtrRow>(groups * perGroup);
        var matchTypes = Enum.GetValues<RankingMatchType>();
        for (var g = 0; g < groups; g++)
        {
            var prefixLength = random.Next(1, 8);
            var raw = new RankingFeatureValues[perGroup];
            var nodeMax = 0.0;
            var nodeMaxRecent = 0.0;
            for (var c = 0; c < perGroup; c++)
            {
                var popularity = Math.Exp(random.NextDouble() * 8);
                var recent = popularity * random.NextDouble() * 0.2;
                nodeMax = Math.Max(nodeMax, popularity);
                nodeMaxRecent = Math.Max(nodeMaxRecent, recent);
                var match = random.NextDouble() < 0.6 ? RankingMatchType.Prefix : matchTypes[random.Next(matchTypes.Length)];
                raw[c] = new RankingFeatureValues
                {
                    DecayedPopularity = popularity,
                    Ctr = random.NextDouble() * 0.5,
                    Cvr = random.NextDouble() * 0.1,
                    Gmv = random.NextDouble() < 0.3 ? random.NextDouble() * 1000 : 0,
                    MatchType = match,
                    PrefixLength = prefixLength,
                    CandidateLength = prefixLength + random.Next(0, 12),
                    EditDistance = match == RankingMatchType.Fuzzy ? random.Next(1, 3) : 0,
                    Q2qStrength = random.NextDouble() < 0.2 ? random.NextDouble() : 0,
                    I2qStrength = random.NextDouble() < 0.1 ? random.NextDouble() : 0,
                    UserHistoryAffinity = random.NextDouble() < 0.15 ? random.NextDouble() : 0,
                    CategoryAffinity = random.NextDouble(),
                    RecentCount = recent,
                    RecentDistinctUsers = Math.Floor(recent * 0.7),
                };
            }

            for (var c = 0; c < perGroup; c++)
            {
                var values = raw[c] with { NodeMaxPopularity = nodeMax, NodeMaxRecentCount = nodeMaxRecent, RequestMaxRecentCount = nodeMaxRecent };
                var relevance = (2 * (values.DecayedPopularity / nodeMax))
                    + (2 * values.Ctr)
                    + (1.5 * values.UserHistoryAffinity)
                    + (values.MatchType == RankingMatchType.Prefix ? 0.5 : 0)
                    + (random.NextDouble() * 1.5);
                var label = Math.Clamp((int)Math.Floor(relevance), 0, MaxLabel);
                rows.Add(new LtrRow((uint)g, label, FeatureSchema.ToVector(values)));
            }
        }

        return rows;
    }

    private static void CheckHeader(string header, string source)
    {
        var names = header.Split('\t');
        var expected = Header.Split('\t');
        for (var i = 0; i < Math.Max(names.Length, expected.Length); i++)
        {
            var got = i < names.Length ? names[i] : "(missing)";
            var want = i < expected.Length ? expected[i] : "(none)";
            if (!string.Equals(got, want, StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"{source}: line 1: header column {i + 1} is '{got}', expected '{want}' ({FeatureSchema.Version} wants: {Header.Replace('\t', ' ')}).");
            }
        }
    }
}
