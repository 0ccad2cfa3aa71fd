using System.Text;
using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// Hand-made indexes with the matching tables, computed here independently of the indexer: the prefix table (every
/// prefix of every query), the word-start infix table (every prefix of the text from each later word start: after a
/// space, or at any CJK ideograph), the pinyin tables from hand-given keys (cut to the version's pinyin depth), and the vocabulary chunks (most popular
/// first). Completions are top-K by count, then text.
/// </summary>
internal sealed class MatchIndex
{
    public required string Version { get; init; }

    public required IReadOnlyDictionary<string, long> Counts { get; init; }

    /// <summary>Full-pinyin keys ("py:{key}") and the queries under each.</summary>
    public IReadOnlyDictionary<string, string[]> PinyinFull { get; init; } = new Dictionary<string, string[]>();

    /// <summary>Initials keys ("pi:{key}") and the queries under each.</summary>
    public IReadOnlyDictionary<string, string[]> PinyinInitials { get; init; } = new Dictionary<string, string[]>();

    public int MaxPrefixLength { get; init; } = 32;

    public int MaxPinyinPrefixLength { get; init; } = 32;

    public int MaxInfixPrefixLength { get; init; } = 16;

    /// <summary>Texts per vocabulary chunk; 0 writes no vocabulary.</summary>
    public int VocabularyChunkSize { get; init; } = 3;

    public int TopK { get; init; } = 10;

    public IndexBuild Build()
    {
        var records = new List<IndexRecord>();
        var prefix = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var infix = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var text in Counts.Keys)
        {
            for (var length = 1; length <= Math.Min(text.Length, MaxPrefixLength); length++)
            {
                Add(prefix, text[..length], text);
            }

            for (var start = 1; start < text.Length; start++)
            {
                if (text[start - 1] == ' ' || IsIdeograph(text[start]))
                {
                    var suffix = text[start..];
                    for (var length = 1; length <= Math.Min(suffix.Length, MaxInfixPrefixLength); length++)
                    {
                        Add(infix, suffix[..length], text);
                    }
                }
            }

            records.Add(new IndexRecord(IndexKeys.Query(text), new QueryStats { Text = text, Count = Counts[text], Popularity = Counts[text], DistinctUsers = 1 }.ToByteArray()));
        }

        AddNodes(records, CompletionTable.Prefix, prefix);
        AddNodes(records, CompletionTable.Infix, infix);
        AddNodes(records, CompletionTable.PinyinFull, Truncated(PinyinFull));
        AddNodes(records, CompletionTable.PinyinInitials, Truncated(PinyinInitials));

        var chunks = 0;
        if (VocabularyChunkSize > 0)
        {
            foreach (var chunk in Ranked(Counts.Keys).Chunk(VocabularyChunkSize))
            {
                records.Add(new IndexRecord(IndexKeys.Vocabulary(chunks++), new VocabularyChunk { Texts = { chunk } }.ToByteArray()));
            }
        }

        records.Add(new IndexRecord(IndexKeys.Info, new IndexInfo
        {
            MaxPrefixLength = MaxPrefixLength,
            MaxPinyinPrefixLength = MaxPinyinPrefixLength,
            MaxInfixPrefixLength = MaxInfixPrefixLength,
            VocabularyChunks = chunks,
            MaxPinyinVariants = 16,
        }.ToByteArray()));
        return IndexBuild.Create(Version, DateTimeOffset.UnixEpoch.AddDays(20000), "match test index", records);
    }

    private void AddNodes(List<IndexRecord> records, CompletionTable table, Dictionary<string, HashSet<string>> nodes)
    {
        foreach (var (key, texts) in nodes)
        {
            var node = new PrefixNode();
            node.Completions.AddRange(Ranked(texts).Take(TopK).Select(t => new Completion { Text = t, Score = Counts[t], Count = Counts[t], DistinctUsers = 1 }));
            records.Add(new IndexRecord(IndexKeys.Completions(table, key), node.ToByteArray()));
        }
    }

    /// <summary>Keys longer than the version's pinyin depth are written at that depth, their lists united.</summary>
    private Dictionary<string, HashSet<string>> Truncated(IReadOnlyDictionary<string, string[]> table)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (key, texts) in table)
        {
            foreach (var text in texts)
            {
                Add(result, key.Length <= MaxPinyinPrefixLength ? key : key[..MaxPinyinPrefixLength], text);
            }
        }

        return result;
    }

    private IEnumerable<string> Ranked(IEnumerable<string> texts)
        => texts.OrderByDescending(t => Counts[t]).ThenBy(static t => t, StringComparer.Ordinal);

    private static void Add(Dictionary<string, HashSet<string>> into, string key, string text)
    {
        if (!into.TryGetValue(key, out var set))
        {
            into[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(text);
    }

    private static bool IsIdeograph(char c) => new Rune(c).Value is >= 0x4E00 and <= 0x9FFF;
}
