namespace QueryRec.Storage.Redis;

/// <summary>What a <see cref="PackedUnit"/> becomes in Redis.</summary>
internal enum PackedUnitKind
{
    /// <summary>A bucket of records, <c>{ns}b:{i}</c>.</summary>
    Bucket,

    /// <summary>A chunk of the text table, <c>{ns}s:{i}</c>.</summary>
    TextChunk,
}
