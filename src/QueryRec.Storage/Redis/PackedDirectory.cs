namespace QueryRec.Storage.Redis;

/// <summary>A version's bucket directory: the first key and record count of each bucket, and the text table's size.</summary>
internal sealed class PackedDirectory(string[] firstKeys, int[] counts, int textCount, int textsPerChunk)
{
    /// <summary>Number of buckets.</summary>
    public int BucketCount => firstKeys.Length;

    /// <summary>Number of texts in the text table.</summary>
    public int TextCount => textCount;

    /// <summary>Texts per text-table chunk.</summary>
    public int TextsPerChunk => textsPerChunk;

    /// <summary>Number of text-table chunks.</summary>
    public int TextChunkCount => (int)(((long)textCount + textsPerChunk - 1) / textsPerChunk);

    /// <summary>Total records over all buckets.</summary>
    public long TotalRecords => counts.Sum(static c => (long)c);

    /// <summary>The first key of a bucket.</summary>
    public string FirstKey(int bucket) => firstKeys[bucket];

    /// <summary>The record count of a bucket.</summary>
    public int RecordsIn(int bucket) => counts[bucket];

    /// <summary>Texts in chunk <paramref name="chunk"/>.</summary>
    public int TextsIn(int chunk) => Math.Min(textsPerChunk, textCount - (chunk * textsPerChunk));

    /// <summary>The bucket that would hold <paramref name="key"/>, or -1 when the key sorts before every bucket.</summary>
    public int BucketOf(string key)
    {
        int lo = 0, hi = firstKeys.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(firstKeys[mid], key) <= 0)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
