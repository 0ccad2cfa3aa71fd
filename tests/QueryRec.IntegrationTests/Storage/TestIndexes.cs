using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>Small hand-made index builds: the prefix nodes of one query, its stats, and optional filler queries.</summary>
internal static class TestIndexes
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>
    /// A build holding <c>p:g</c> … <c>p:gear</c> (one completion "gear" with <paramref name="count"/>),
    /// <c>q:gear</c>, and <paramref name="fillerQueries"/> extra <c>q:filler-N</c> records.
    /// </summary>
    public static IndexBuild Build(string version, long count = 10, int fillerQueries = 0, string query = "gear")
    {
        var records = new List<IndexRecord>();
        var node = new PrefixNode
        {
            Completions = { new Completion { Text = query, Score = count, Count = count, DistinctUsers = 3, CategoryHint = "tools" } },
        };
        for (var length = 1; length <= query.Length; length++)
        {
            records.Add(new IndexRecord(IndexKeys.Prefix(query[..length]), node.ToByteArray()));
        }

        records.Add(new IndexRecord(IndexKeys.Query(query), Stats(query, count).ToByteArray()));
        for (var i = 0; i < fillerQueries; i++)
        {
            var filler = "filler-" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            records.Add(new IndexRecord(IndexKeys.Query(filler), Stats(filler, i).ToByteArray()));
        }

        return IndexBuild.Create(version, CreatedAt, "test build " + version, records);
    }

    /// <summary>How many buckets and text chunks the packed layout gives <paramref name="build"/> (as a publish packs it).</summary>
    public static (int Buckets, int TextChunks) Packed(IndexBuild build, int bucketBytes)
    {
        var encoder = new QueryRec.Storage.Redis.PackedEncoder(bucketBytes, static unit => unit.Dispose());
        var source = new BuildRecordSource(build.Records);
        while (source.Read())
        {
            encoder.Add(source.Key, source.Value);
        }

        encoder.Complete();
        return (encoder.BucketCount, encoder.TextChunkCount);
    }

    /// <summary>The index file of a build, as bytes.</summary>
    public static byte[] FileBytes(IndexBuild build)
    {
        var stream = new MemoryStream();
        IndexFile.Write(build, stream);
        return stream.ToArray();
    }

    public static QueryStats Stats(string query, long count)
        => new() { Text = query, Count = count, DistinctUsers = 3, Popularity = count * 0.5, CategoryHint = "tools", Clicks = 2 };
}

/// <summary>An <see cref="IProgress{T}"/> that calls back synchronously, in the publishing flow.</summary>
internal sealed class SyncProgress(Action<PublishProgress> onReport) : IProgress<PublishProgress>
{
    public void Report(PublishProgress value) => onReport(value);
}
