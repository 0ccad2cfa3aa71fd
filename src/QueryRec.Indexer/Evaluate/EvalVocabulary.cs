using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Evaluate;

/// <summary>One query of an index's vocabulary with the popularity its completions are ranked by.</summary>
/// <param name="Text">The normalized query text.</param>
/// <param name="Popularity">The popularity score.</param>
/// <param name="Count">The searches of the query (0 when not read from an index).</param>
internal sealed record VocabularyEntry(string Text, double Popularity, long Count = 0);

/// <summary>The vocabulary of a built index file, read from its query statistics.</summary>
internal static class EvalVocabulary
{
    /// <summary>Every query of the index file at <paramref name="indexPath"/>, most popular first (ties: text order).</summary>
    public static IReadOnlyList<VocabularyEntry> Read(string indexPath)
    {
        var build = IndexFile.ReadFile(indexPath);
        var entries = new List<VocabularyEntry>();
        foreach (var record in build.Records)
        {
            if (IndexKeys.KindOf(record.Key) != IndexKeys.QueryKind)
            {
                continue;
            }

            var stats = QueryStats.Parser.ParseFrom(record.Value);
            entries.Add(new VocabularyEntry(record.Key[(IndexKeys.QueryKind.Length + 1)..], stats.Popularity, stats.Count));
        }

        entries.Sort(RankOrder);
        return entries;
    }

    /// <summary>The order of the completion tables: popularity descending, then text ascending.</summary>
    public static int RankOrder(VocabularyEntry a, VocabularyEntry b)
    {
        var byPopularity = b.Popularity.CompareTo(a.Popularity);
        return byPopularity != 0 ? byPopularity : string.CompareOrdinal(a.Text, b.Text);
    }
}
