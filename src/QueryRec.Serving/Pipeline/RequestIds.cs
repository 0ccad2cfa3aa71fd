namespace QueryRec.Serving.Pipeline;

/// <summary>
/// Request ids for response metadata: RFC 9562 version-7 UUIDs (48-bit Unix milliseconds, then 74 random bits),
/// as 32 lower-case hex digits, so ids sort by time like <see cref="Guid.CreateVersion7(DateTimeOffset)"/>'s.
/// </summary>
/// <remarks>
/// The random bits come from <see cref="Random.Shared"/>, not the operating system's secure generator: a request id
/// needs to be unique, not unguessable, and <see cref="Guid.CreateVersion7(DateTimeOffset)"/> made one system call
/// (a read of /dev/urandom) per Suggest call, about 7 % of an uncached call's CPU with the system call.
/// </remarks>
public static class RequestIds
{
    /// <summary>A new id stamped with <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes[6..]);
        var milliseconds = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F)); // version 7
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F)); // variant 10xx
        return new Guid(bytes, bigEndian: true).ToString("N");
    }
}
