using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// Deterministic assignment: XxHash64 of (layer salt, subject) into <see cref="ExperimentConfig.Buckets"/> buckets.
/// The subject is the user id when given, else the device id (<see cref="Storage.Realtime.RealtimeSubject"/>:
/// <c>u:…</c> or <c>d:…</c>); a caller with neither gets no arm. Each layer hashes with its own salt, so layers are
/// independent of each other.
/// </summary>
internal static class ExperimentBucketing
{
    /// <summary>The bucket (0 to 9999) of <paramref name="subject"/> in the layer salted <paramref name="salt"/>.</summary>
    public static int Bucket(string subject, string salt)
    {
        // salt, a 0 byte (names cannot hold it), subject: ("ab", "c") and ("a", "bc") hash differently.
        var length = Encoding.UTF8.GetMaxByteCount(salt.Length + subject.Length) + 1;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(salt, rented);
            rented[written++] = 0;
            written += Encoding.UTF8.GetBytes(subject, rented.AsSpan(written));
            return (int)(XxHash64.HashToUInt64(rented.AsSpan(0, written)) % ExperimentConfig.Buckets);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
