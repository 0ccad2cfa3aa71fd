using System.Text;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>
/// The Redis Cluster key slot (CRC16-XMODEM of the key, or of its hash tag, mod 16384), as
/// <c>CLUSTER KEYSLOT</c> computes it; the test server runs standalone, where the client reports no slots.
/// </summary>
internal static class ClusterSlot
{
    public static int Of(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var open = Array.IndexOf(bytes, (byte)'{');
        if (open >= 0)
        {
            var close = Array.IndexOf(bytes, (byte)'}', open + 1);
            if (close > open + 1)
            {
                bytes = bytes[(open + 1)..close];
            }
        }

        ushort crc = 0;
        foreach (var b in bytes)
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }
}
