using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.NGram;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace QueryRec.Benchmarks;

/// <summary>
/// The Lucene.NET 4.8 peer (issue 8, docs/performance.md "Lucene.NET peer"), built as Elasticsearch's
/// search-as-you-type would be: one document per query of the dictionary, its text analyzed into an edge-n-gram field
/// (whitespace tokenizer, lower case, <see cref="EdgeNGramTokenFilter"/> of 1 to <see cref="MaxGram"/> characters)
/// beside a doc-values popularity field. A lookup analyzes the input without n-grams (whitespace, lower case) and asks
/// for the documents in which every input word is the prefix of a word (a boolean query of term queries on the
/// n-gram field, all required), sorted by popularity descending, then text ascending, top <c>limit</c>, the texts read
/// from the stored field. The index lives in a <see cref="RAMDirectory"/>, merged to one segment, read by one shared
/// <see cref="IndexSearcher"/>; lookups are thread-safe.
/// </summary>
internal sealed class LucenePeer : IDisposable
{
    /// <summary>The longest edge n-gram indexed (a longer input word is cut to it, so it still matches).</summary>
    public const int MaxGram = 20;

    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const string GramsField = "grams";
    private const string TextField = "text";
    private const string TextSortField = "text_sort";
    private const string PopularityField = "popularity";

    private static readonly Sort ByPopularity = new(
        new SortField(PopularityField, SortFieldType.DOUBLE, reverse: true),
        new SortField(TextSortField, SortFieldType.STRING));

    private readonly RAMDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly Analyzer _searchAnalyzer;

    /// <summary>Indexes <paramref name="dictionary"/> (text and popularity; texts are expected distinct and normalized).</summary>
    public LucenePeer(IEnumerable<(string Text, double Popularity)> dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        _directory = new RAMDirectory();
        _searchAnalyzer = Analyzer.NewAnonymous(static (_, reader) =>
        {
            var tokenizer = new WhitespaceTokenizer(Version, reader);
            return new TokenStreamComponents(tokenizer, new LowerCaseFilter(Version, tokenizer));
        });
        using (var indexAnalyzer = Analyzer.NewAnonymous(static (_, reader) =>
        {
            var tokenizer = new WhitespaceTokenizer(Version, reader);
            return new TokenStreamComponents(tokenizer, new EdgeNGramTokenFilter(Version, new LowerCaseFilter(Version, tokenizer), 1, MaxGram));
        }))
        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(Version, indexAnalyzer) { OpenMode = OpenMode.CREATE }))
        {
            var grams = new FieldType { IsIndexed = true, IsTokenized = true, OmitNorms = true, IndexOptions = IndexOptions.DOCS_ONLY };
            grams.Freeze();
            foreach (var (text, popularity) in dictionary)
            {
                writer.AddDocument(new Document
                {
                    new Field(GramsField, text, grams),
                    new StoredField(TextField, text),
                    new SortedDocValuesField(TextSortField, new BytesRef(text)),
                    new DoubleDocValuesField(PopularityField, popularity),
                });
                Count++;
            }

            writer.ForceMerge(1);
            writer.Commit();
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader);
    }

    /// <summary>The documents indexed.</summary>
    public int Count { get; }

    /// <summary>The texts of the <paramref name="limit"/> most popular documents every word of <paramref name="input"/> prefixes a word of.</summary>
    public IReadOnlyList<string> Suggest(string input, int limit)
    {
        ArgumentNullException.ThrowIfNull(input);
        var query = new BooleanQuery();
        using (var stream = _searchAnalyzer.GetTokenStream(GramsField, input))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                var word = term.Length > MaxGram ? new string(term.Buffer, 0, MaxGram) : term.ToString();
                query.Add(new TermQuery(new Term(GramsField, word)), Occur.MUST);
            }

            stream.End();
        }

        if (query.Clauses.Count == 0)
        {
            return [];
        }

        var hits = _searcher.Search(query, null, limit, ByPopularity).ScoreDocs;
        var texts = new string[hits.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            texts[i] = _searcher.Doc(hits[i].Doc).Get(TextField);
        }

        return texts;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _searchAnalyzer.Dispose();
    }
}
