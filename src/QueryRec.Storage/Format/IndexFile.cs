using System.Buffers.Binary;
using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The embedded index file (<c>.qrx</c>): the 4-byte magic "QRIX", a 4-byte little-endian format version,
/// a length-delimited <see cref="IndexManifest"/>, then <c>total_records</c> length-delimited
/// <see cref="IndexFileRecord"/>s in key order. Reading verifies counts and the checksum, so a truncated
/// or corrupted file is refused whole.
/// </summary>
public static class IndexFile
{
    private static ReadOnlySpan<byte> Magic => "QRIX"u8;

    /// <summary>Writes a build to a stream.</summary>
    public static void Write(IndexBuild build, Stream stream)
    {
        Span<byte> header = stackalloc byte[8];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], IndexBuild.FormatVersion);
        stream.Write(header);
        build.Manifest.WriteDelimitedTo(stream);
        var record = new IndexFileRecord();
        foreach (var r in build.Records)
        {
            record.Key = r.Key;
            record.Value = ByteString.CopyFrom(r.Value);
            record.WriteDelimitedTo(stream);
        }
    }

    /// <summary>Writes a build to a file atomically (a temporary file, then a rename).</summary>
    public static void WriteFile(IndexBuild build, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Write(build, stream);
        }

        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads and verifies a build from a stream.</summary>
    /// <exception cref="InvalidDataException">The stream is not a valid index file.</exception>
    public static IndexBuild Read(Stream stream)
    {
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw new InvalidDataException("The index file is truncated (incomplete header).");
        }

        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a QueryRec index file (bad magic).");
        }

        var format = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (format != IndexBuild.FormatVersion)
        {
            throw new InvalidDataException($"Index file format {format} is not supported (this build reads {IndexBuild.FormatVersion}).");
        }

        try
        {
            var manifest = IndexManifest.Parser.ParseDelimitedFrom(stream);
            if (manifest.Slice is { } slice)
            {
                throw new InvalidDataException("The index file " + IndexSlices.NotWholeMessage(slice) + ".");
            }

            if (manifest.TotalRecords is < 0 or > int.MaxValue)
            {
                throw new InvalidDataException($"Index file declares {manifest.TotalRecords} records.");
            }

            var records = new List<IndexRecord>((int)Math.Min(manifest.TotalRecords, 1 << 20));
            for (long i = 0; i < manifest.TotalRecords; i++)
            {
                var record = IndexFileRecord.Parser.ParseDelimitedFrom(stream);
                records.Add(new IndexRecord(record.Key, record.Value.ToByteArray()));
            }

            return IndexBuild.FromStored(manifest, records);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException("The index file is truncated or corrupted: " + ex.Message, ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The index file is truncated.", ex);
        }
    }

    /// <summary>Reads and verifies a build from a file.</summary>
    public static IndexBuild ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream);
    }
}
