using System.Buffers.Binary;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// The protobuf bytes of a <see cref="PrefixNode"/> and of a <see cref="Completion"/> with another score, put
/// together from serialized completions: what the messages would serialize to, without making them.
/// </summary>
internal static class PrefixNodeBytes
{
    /// <summary>The tag of <see cref="PrefixNode.Completions"/> (field 1, length-delimited).</summary>
    private const byte CompletionsTag = (1 << 3) | 2;

    /// <summary>The tag of <see cref="Completion.Text"/> (field 1, length-delimited).</summary>
    private const byte TextTag = (1 << 3) | 2;

    /// <summary>The tag of <see cref="Completion.Score"/> (field 2, 64-bit).</summary>
    private const byte ScoreTag = (2 << 3) | 1;

    /// <summary>The serialized <see cref="PrefixNode"/> holding <paramref name="entries"/>' completions, in order.</summary>
    public static byte[] Write(ReadOnlySpan<int> entries, ICompletionEntries completions)
    {
        var size = 0;
        foreach (var e in entries)
        {
            var length = completions.LengthOf(e);
            size += 1 + Varint.Size((uint)length) + length;
        }

        var bytes = new byte[size];
        var at = 0;
        foreach (var e in entries)
        {
            bytes[at++] = CompletionsTag;
            at += Varint.Write(bytes.AsSpan(at), (uint)completions.LengthOf(e));
            at += completions.CopyTo(e, bytes.AsSpan(at));
        }

        return bytes;
    }

    /// <summary>The size of <paramref name="completion"/> (serialized) once its score is <paramref name="score"/>.</summary>
    public static int LengthWithScore(ReadOnlySpan<byte> completion, double score)
    {
        var at = ScoreOffset(completion);
        var had = at < completion.Length && completion[at] == ScoreTag;
        var has = score != 0; // proto3 leaves a zero double out (-0.0 too: -0.0 != 0 is false)
        return completion.Length + (has ? 9 : 0) - (had ? 9 : 0);
    }

    /// <summary>
    /// Writes <paramref name="completion"/> (serialized) with its score replaced by <paramref name="score"/>: the bytes
    /// of the same message with that score, as fields are serialized in field order and the score follows the text.
    /// </summary>
    public static int CopyWithScore(ReadOnlySpan<byte> completion, double score, Span<byte> destination)
    {
        var at = ScoreOffset(completion);
        var rest = at < completion.Length && completion[at] == ScoreTag ? completion[(at + 9)..] : completion[at..];
        completion[..at].CopyTo(destination);
        var written = at;
        if (score != 0)
        {
            destination[written] = ScoreTag;
            BinaryPrimitives.WriteDoubleLittleEndian(destination[(written + 1)..], score);
            written += 9;
        }

        rest.CopyTo(destination[written..]);
        return written + rest.Length;
    }

    /// <summary>Where the score field is, or would be: right after the text field, if any.</summary>
    private static int ScoreOffset(ReadOnlySpan<byte> completion)
    {
        if (completion.IsEmpty || completion[0] != TextTag)
        {
            return 0;
        }

        var rest = completion[1..];
        var length = (int)Varint.Read(ref rest);
        return completion.Length - rest.Length + length;
    }
}
