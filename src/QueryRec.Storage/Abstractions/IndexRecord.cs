namespace QueryRec.Storage;

/// <summary>One record of an index version: a relative key and its serialized value.</summary>
public readonly record struct IndexRecord(string Key, byte[] Value);
