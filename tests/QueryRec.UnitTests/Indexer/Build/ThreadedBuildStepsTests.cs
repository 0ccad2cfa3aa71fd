using QueryRec.Indexer.Build;
using QueryRec.Indexer.Simulate;
using QueryRec.Storage;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// The build's per-query steps that run on <see cref="BuildOptions.TableThreads"/> threads (hygiene's misspellings and
/// one-edit neighbours, refinements, the file's sorted runs): the same result on one thread and on several, on inputs
/// large enough to be split into many chunks and blocks.
/// </summary>
public sealed class ThreadedBuildStepsTests
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    /// <summary>A generated vocabulary (counts descending) plus typos of its popular queries: letters swapped, dropped or doubled.</summary>
    private static (List<string> Texts, List<long> Counts) Vocabulary(int size)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        VocabularyGenerator.Write(Catalog.Default, size, 1.0, 5, writer);
        var texts = new List<string>();
        var counts = new List<long>();
        foreach (var line in writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            texts.Add(line[..tab]);
            counts.Add(long.Parse(line.AsSpan(tab + 1), System.Globalization.CultureInfo.InvariantCulture));
        }

        var seen = texts.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < size / 4; i++)
        {
            var text = texts[i];
            var at = 1 + (i % Math.Max(1, text.Length - 2));
            var typo = (i % 3) switch
            {
                0 when at + 1 < text.Length => string.Concat(text.AsSpan(0, at), text.Substring(at + 1, 1), text.Substring(at, 1), text.AsSpan(at + 2)),
                1 => text.Remove(at, 1),
                _ => text.Insert(at, text.Substring(at - 1, 1)),
            };
            if (typo.Length > 0 && seen.Add(typo))
            {
                texts.Add(typo);
                counts.Add(1 + (counts[i] / 50));
            }
        }

        return (texts, counts);
    }

    [Fact]
    public void OneEditNeighbours_SeveralThreads_SameAsOne()
    {
        var (texts, _) = Vocabulary(30_000);
        // Short texts share many deletions: some have more than MaxPerText neighbours, where the order of the look-up decides.
        texts.AddRange(Enumerable.Range(0, 2000).Select(i => "ab" + (char)('a' + (i % 26)) + (char)('a' + (i / 26 % 26)) + (i / 676)));

        var one = OneEditNeighbours.Find(texts, _ => true, _ => true, threads: 1);
        var four = OneEditNeighbours.Find(texts, _ => true, _ => true, threads: 4);

        Assert.True(one.Count(n => n is not null) > 1000);
        Assert.Contains(one, n => n?.Count == OneEditNeighbours.MaxPerText);
        Assert.Equal(one.Length, four.Length);
        for (var i = 0; i < one.Length; i++)
        {
            Assert.Equal(one[i], four[i]);
        }
    }

    [Fact]
    public void Misspellings_SeveralThreads_SameAsOne()
    {
        var (texts, counts) = Vocabulary(30_000);
        var random = new Random(3);
        var outcomes = new SearchOutcomes(
            [.. counts.Select(c => new SearchOutcomes.Outcome(c, random.Next(0, 3) * c / 2, c, random.Next(0, 2) * c / 2, c * random.Next(0, 50)))],
            (t, c) => (t + c) % 3);

        var one = Misspellings.Find(texts, counts, 5, outcomes, threads: 1);
        var three = Misspellings.Find(texts, counts, 5, outcomes, threads: 3);

        Assert.True(one.Count(d => d >= 0) > 100, $"{one.Count(d => d >= 0)} misspellings");
        Assert.Equal(one, three);
    }

    [Fact]
    public void Build_SeveralThreads_SameRecordsAndChecksum_RefinementsIncluded()
    {
        var (texts, counts) = Vocabulary(20_000);
        var list = string.Concat(texts.Select((t, i) => $"{t}\t{counts[i]}\n"));

        var one = Build(list, threads: 1);
        var two = Build(list, threads: 2);
        var four = Build(list, threads: 4);

        Assert.True(one.Summary.RefinementLists > 2000, $"{one.Summary.RefinementLists} refinement lists");
        Assert.True(one.Summary.RemovedByMisspelling > 100, $"{one.Summary.RemovedByMisspelling} misspellings");
        foreach (var other in new[] { two, four })
        {
            Assert.Equal(one.Build.Manifest.Checksum, other.Build.Manifest.Checksum);
            Assert.True(one.Build.Records.Select(r => r.Key).SequenceEqual(other.Build.Records.Select(r => r.Key)));
            Assert.True(one.Build.Records.Zip(other.Build.Records).All(p => p.First.Value.AsSpan().SequenceEqual(p.Second.Value)));
            Assert.Equal(one.Summary.RemovedByMisspelling, other.Summary.RemovedByMisspelling);
        }
    }

    [Fact]
    public void QueryList_SeveralThreads_SameQueriesBadLinesAndDuplicates()
    {
        // Several blocks of lines; the mode (counts or not) is set by the first valid line, after bad and blank lines,
        // and "12<TAB>34" reads as a count only once the mode is known: what a block normalizes ahead must not matter.
        var lines = new List<string> { string.Empty, "a\tb\tc", "Nike  Shoes\t7", "12\t34" };
        var (texts, counts) = Vocabulary(20_000);
        for (var i = 0; i < texts.Count; i++)
        {
            lines.Add(i % 997 == 0 ? texts[i].ToUpperInvariant() + "\t" + counts[i] : $"{texts[i]}\t{counts[i]}");
            if (i % 1201 == 0)
            {
                lines.Add(texts[i]); // no count in a counted list: a bad line
                lines.Add($"{texts[i / 2]}\t3"); // a duplicate: counts add
                lines.Add("!!!\t2"); // empty once normalized
            }
        }

        var list = string.Join('\n', lines) + "\n";

        var (one, oneBad) = BuildWithBadLines(list, threads: 1);
        var three = BuildWithBadLines(list, threads: 3);

        Assert.True(lines.Count > 20_000);
        Assert.True(oneBad.Count > 30, $"{oneBad.Count} bad lines");
        Assert.Equal(oneBad, three.Bad);
        Assert.Equal(one.Build.Manifest.Checksum, three.Result.Build.Manifest.Checksum);
        Assert.Equal(one.Summary.QueriesSeen, three.Result.Summary.QueriesSeen);
    }

    private static (BuildResult Result, List<string> Bad) BuildWithBadLines(string list, int threads)
    {
        var bad = new List<string>();
        var reader = new QueryListReader(1.0, 1, e => bad.Add($"{e.LineNumber}: {e.Reason}"), threads);
        using var input = new StringReader(list);
        var options = new BuildOptions { MinCount = 1, TablePartitions = 8, Version = "threads-test", TableThreads = threads };
        return (IndexBuilder.BuildFromQueryList(input, reader, options, Clock, CancellationToken.None), bad);
    }

    private static BuildResult Build(string list, int threads)
    {
        var reader = new QueryListReader(1.0, 1, _ => throw new InvalidOperationException("no bad line expected"), threads);
        using var input = new StringReader(list);
        var options = new BuildOptions { MinCount = 1, TablePartitions = 8, Version = "threads-test", TableThreads = threads };
        return IndexBuilder.BuildFromQueryList(input, reader, options, Clock, CancellationToken.None);
    }
}
