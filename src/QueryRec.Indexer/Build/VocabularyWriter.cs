using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the typo-tolerance vocabulary (v:).</summary>
internal static class VocabularyWriter
{
    /// <summary>The vocabulary chunks ("v:{n}"): the most popular kept queries, in ranking order, 5,000 per chunk.</summary>
    public static (int Size, int Chunks) Write(KeptQuery[] kept, int[] order, BuildOptions options, Action<string, IMessage> add)
    {
        var size = Math.Min(order.Length, options.MaxVocabulary);
        var chunks = 0;
        for (var start = 0; start < size; start += BuildOptions.VocabularyChunkSize)
        {
            var chunk = new VocabularyChunk();
            var end = Math.Min(size, start + BuildOptions.VocabularyChunkSize);
            for (var i = start; i < end; i++)
            {
                chunk.Texts.Add(kept[order[i]].Acc.Text);
            }

            add(IndexKeys.Vocabulary(chunks++), chunk);
        }

        return (size, chunks);
    }
}
