using System.Diagnostics;
using QueryRec.Storage;

namespace QueryRec.Serving.Index;

/// <summary>
/// The typo-tolerant matcher of one index version: a <see cref="FuzzyTrie"/> of the version's vocabulary chunks
/// (<c>v:{n}</c>), built in the background when the version becomes active. Requests never wait for it: until it
/// is <see cref="Ready"/> the fuzzy source is skipped. It lives on the version's <see cref="ServingIndex"/>, so a
/// flip replaces it and the old one goes with the last request that still reads the old version.
/// </summary>
internal sealed class FuzzyVocabulary
{
    private volatile FuzzyTrie? _trie;

    private FuzzyVocabulary(bool available)
    {
        Available = available;
    }

    /// <summary>A version without vocabulary chunks (or with typo tolerance off): nothing to build, nothing missing.</summary>
    public static FuzzyVocabulary None { get; } = new(available: false);

    /// <summary>True when the version has a vocabulary to match against.</summary>
    public bool Available { get; }

    /// <summary>The trie once built, else null.</summary>
    public FuzzyTrie? Ready => _trie;

    /// <summary>The background build (completes when the trie is ready or the build failed).</summary>
    public Task Building { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts building the matcher of <paramref name="snapshot"/> from its <paramref name="chunks"/> vocabulary
    /// chunks, each text truncated to <paramref name="maxLength"/> runes, at most <paramref name="maxTexts"/> texts.
    /// </summary>
    public static FuzzyVocabulary StartBuilding(IIndexSnapshot snapshot, int chunks, int maxLength, int maxTexts, ILogger logger)
    {
        if (chunks <= 0)
        {
            return None;
        }

        var vocabulary = new FuzzyVocabulary(available: true);
        vocabulary.Building = Task.Run(() => vocabulary.BuildAsync(snapshot, chunks, maxLength, maxTexts, logger));
        return vocabulary;
    }

    private async Task BuildAsync(IIndexSnapshot snapshot, int chunks, int maxLength, int maxTexts, ILogger logger)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            var texts = new List<string>();
            for (var i = 0; i < chunks && texts.Count < maxTexts; i++)
            {
                if (await snapshot.GetVocabularyChunkAsync(i) is { } chunk)
                {
                    texts.AddRange(chunk.Texts.Take(maxTexts - texts.Count));
                }
            }

            var trie = FuzzyTrie.Build(texts, maxLength, maxTexts);
            _trie = trie;
            IndexLog.FuzzyVocabularyBuilt(logger, snapshot.Version, trie.TextCount, trie.NodeCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex)
        {
            // The version keeps serving without typo tolerance (answers that would use it are degraded).
            IndexLog.FuzzyVocabularyFailed(logger, ex, snapshot.Version);
        }
    }
}
