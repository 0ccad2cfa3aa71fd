using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>A key written and acknowledged: what to call it in errors, the SHA-1 of its value, records it holds.</summary>
internal sealed record PackedWrittenKey(RedisKey Key, string What, byte[] Digest, int Records);
