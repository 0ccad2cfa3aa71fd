using System.Globalization;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// The reservation key of a packed publish (<see cref="RedisKeyspace.Reservation"/>), value "buckets chunks": raised
/// (and acknowledged) before a unit beyond it is sent, so a cleanup knows how far a crashed publish may have gone. An
/// instance is used by the producer thread only.
/// </summary>
internal sealed class PackedReservation(IDatabase db, RedisKey key)
{
    /// <summary>How many bucket or chunk numbers one raise of the reservation covers.</summary>
    public const int Step = 256;

    private int _buckets;
    private int _chunks;

    /// <summary>Parses a reservation value ("buckets chunks").</summary>
    public static bool TryParse(string value, out int buckets, out int chunks)
    {
        buckets = chunks = 0;
        var parts = value.Split(' ');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out buckets)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out chunks);
    }

    /// <summary>Raises the reservation, when needed, so that it covers <paramref name="unit"/>'s number.</summary>
    public void Cover(PackedUnit unit)
    {
        var bucketsNeeded = unit.Kind == PackedUnitKind.Bucket ? unit.Index + 1 : 0;
        var chunksNeeded = unit.Kind == PackedUnitKind.TextChunk ? unit.Index + 1 : 0;
        if (bucketsNeeded <= _buckets && chunksNeeded <= _chunks)
        {
            return;
        }

        _buckets = Math.Max(_buckets, bucketsNeeded + Step);
        _chunks = Math.Max(_chunks, chunksNeeded + Step);
        db.StringSet(key, _buckets.ToString(CultureInfo.InvariantCulture) + " " + _chunks.ToString(CultureInfo.InvariantCulture));
    }
}
