using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the near-duplicate folds of the kept queries (nd:, see <see cref="SpacingFolds"/>).</summary>
internal static class SpacingFoldsWriter
{
    /// <summary>Folds per chunk ("nd:{n}"): a chunk stays a small value.</summary>
    internal const int ChunkSize = 5_000;

    /// <summary>Finds the folds and writes them in chunks, in text order; returns what was found and the chunks written.</summary>
    public static (SpacingFolds.Result Result, int Chunks) Write(KeptQuery[] kept, List<CategoryShare>?[] topCategories, BuildOptions options, Action<string, IMessage> add)
    {
        var result = SpacingFolds.Find(
            kept.Select(static k => k.Acc.Text).ToArray(),
            kept.Select(static k => k.Acc.Count).ToArray(),
            topCategories.Select(static t => t?.Select(static c => (c.Category, c.Clicks)).ToArray()).ToArray(),
            options.SpacingFoldAgreement,
            options.TableThreads);
        var chunks = 0;
        for (var start = 0; start < result.Folds.Count; start += ChunkSize)
        {
            var chunk = new NearDuplicateFolds();
            chunk.Folds.AddRange(result.Folds.Skip(start).Take(ChunkSize).Select(static f => new NearDuplicateFold { Text = f.Text, Key = f.Key, Shown = f.Shown }));
            add(IndexKeys.NearDuplicateFolds(chunks++), chunk);
        }

        return (result, chunks);
    }
}
