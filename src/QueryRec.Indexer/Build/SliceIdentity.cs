using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// The build identity of a partitioned build's slices (<see cref="IndexSlice.BuildIdentity"/>): XxHash64 of the
/// input's bytes, the options that shape the records (the description and the table options) and what every slice
/// computes alike (the kept queries in ranking order and their completions). Slices of the same build agree on it;
/// slices of another input, other options or another indexer that ranks differently do not, and are not assembled
/// together.
/// </summary>
internal static class SliceIdentity
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// The identity of an input: XxHash64 of a file's bytes, or of a directory's files (recursively, in ordinal order
    /// of their relative paths: each path, its length in bytes and its bytes), as Spark writes tables as directories.
    /// </summary>
    public static ulong OfInput(string path)
    {
        var hash = new XxHash64();
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*", SearchOption.AllDirectories)
                .Select(f => (Full: f, Relative: Path.GetRelativePath(path, f).Replace('\\', '/')))
                .OrderBy(static f => f.Relative, StringComparer.Ordinal);
            foreach (var (full, relative) in files)
            {
                hash.Append(Encoding.UTF8.GetBytes(relative));
                AppendInt64(hash, new FileInfo(full).Length);
                AppendFile(hash, full);
            }
        }
        else
        {
            AppendFile(hash, path);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>XxHash64 of the completions in ranking order (what a slice's table passes are made of).</summary>
    public static ulong OfCompletions(int[] order, CompletionArena completions)
    {
        var hash = new XxHash64();
        foreach (var k in order)
        {
            var bytes = completions.Bytes(k);
            AppendInt64(hash, bytes.Length);
            hash.Append(bytes);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>The build identity from the options (<see cref="BuildOptions.InputIdentity"/> included), the manifest's description and <see cref="OfCompletions"/>.</summary>
    public static ulong Of(BuildOptions options, string description, ulong completions)
    {
        var hash = new XxHash64();
        AppendInt64(hash, (long)options.InputIdentity);
        AppendInt64(hash, (long)completions);
        var shaping = string.Create(
            CultureInfo.InvariantCulture,
            $"{description}\nslices={options.SliceCount}; table-partitions={options.TablePartitions}; top-k={options.TopK}; max-prefix-length={options.MaxPrefixLength}; pinyin={options.Pinyin},{options.MaxPinyinVariants},{options.MaxPinyinPrefixLength},{options.PinyinSecondaryWeight:R}; infix={options.Infix},{options.MinLatinInfixLength},{options.MaxInfixPrefixLength}; prune={options.PruneCompleteNodes}; version={options.Version ?? "-"}");
        hash.Append(Encoding.UTF8.GetBytes(shaping));
        return hash.GetCurrentHashAsUInt64();
    }

    private static void AppendFile(XxHash64 hash, string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        hash.Append(stream);
    }

    private static void AppendInt64(XxHash64 hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.Append(bytes);
    }
}
