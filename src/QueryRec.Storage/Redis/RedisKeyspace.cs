using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// The key names of the Redis index store, built once per store.
/// <list type="bullet">
/// <item>Data of version V lives under <c>{prefix}idx:{V}:</c>, no hash tag, so a version spreads over a cluster.</item>
/// <item>Packed versions (<see cref="PackedLayout"/>, written since format 2): directory <c>{prefix}idx:{V}:dir</c>,
/// bucket i <c>{prefix}idx:{V}:b:{i}</c>, text-table chunk i <c>{prefix}idx:{V}:s:{i}</c>. With ~100 records per key the
/// key names cost under 1 B per record, so the version stays readable in them.</item>
/// <item>Versions published one key per record (before the packed layout; still read): record key
/// <c>{prefix}idx:{V}:{K}</c>, key catalog chunk i <c>{prefix}idx:{V}:catalog:{i}</c>.</item>
/// <item>Manifest: <c>{prefix}idx:{V}:manifest</c>.</item>
/// <item>Control keys, all under the <c>{ctl}</c> hash tag so one script can flip them atomically:
/// <c>{prefix}{ctl}:active</c> (string), <c>{prefix}{ctl}:versions</c> (sorted set, version scored by publish sequence),
/// <c>{prefix}{ctl}:published</c> (hash, version to publish time in Unix ms), <c>{prefix}{ctl}:seq</c> (publish counter), <c>{prefix}{ctl}:publishing</c> (publish lock, with expiry).</item>
/// <item>Announcements: channel <c>{prefix}index-updates</c>.</item>
/// </list>
/// </summary>
internal sealed class RedisKeyspace
{
    /// <summary>The relative key of the manifest; reserved, a record may not use it.</summary>
    public const string ManifestName = "manifest";

    /// <summary>The kind of the catalog chunks; reserved, a record may not use it.</summary>
    public const string CatalogKind = "catalog";

    private readonly byte[] _prefix;

    public RedisKeyspace(string keyPrefix)
    {
        _prefix = Encoding.UTF8.GetBytes(keyPrefix);
        Active = Concat(_prefix, "{ctl}:active"u8);
        Versions = Concat(_prefix, "{ctl}:versions"u8);
        Published = Concat(_prefix, "{ctl}:published"u8);
        Sequence = Concat(_prefix, "{ctl}:seq"u8);
        PublishLock = Concat(_prefix, "{ctl}:publishing"u8);
        Channel = RedisChannel.Literal(Concat(_prefix, "index-updates"u8));
    }

    /// <summary>The active version (string).</summary>
    public RedisKey Active { get; }

    /// <summary>The retained published versions (sorted set scored by publish sequence).</summary>
    public RedisKey Versions { get; }

    /// <summary>Publish times of retained versions (hash: version to Unix ms).</summary>
    public RedisKey Published { get; }

    /// <summary>The publish sequence counter.</summary>
    public RedisKey Sequence { get; }

    /// <summary>The lock held while a publish runs (one publisher at a time per key prefix).</summary>
    public RedisKey PublishLock { get; }

    /// <summary>The pub/sub channel announcing publishes and rollbacks.</summary>
    public RedisChannel Channel { get; }

    /// <summary>The control keys in the order the scripts expect them.</summary>
    public RedisKey[] ControlKeys => [Active, Versions, Published, Sequence];

    /// <summary>The namespace of one version, <c>{prefix}idx:{V}:</c>, as UTF-8 bytes.</summary>
    public byte[] VersionNamespace(string version)
    {
        var versionLength = Encoding.UTF8.GetByteCount(version);
        var bytes = new byte[_prefix.Length + 4 + versionLength + 1];
        _prefix.CopyTo(bytes, 0);
        "idx:"u8.CopyTo(bytes.AsSpan(_prefix.Length));
        Encoding.UTF8.GetBytes(version, bytes.AsSpan(_prefix.Length + 4));
        bytes[^1] = (byte)':';
        return bytes;
    }

    /// <summary>The key of a relative key inside a version namespace.</summary>
    public static RedisKey Join(byte[] versionNamespace, string relativeKey) => JoinBytes(versionNamespace, relativeKey);

    /// <summary>The UTF-8 bytes of <paramref name="head"/> followed by <paramref name="relativeKey"/>.</summary>
    public static byte[] JoinBytes(byte[] head, string relativeKey)
    {
        var bytes = new byte[head.Length + Encoding.UTF8.GetByteCount(relativeKey)];
        head.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(relativeKey, bytes.AsSpan(head.Length));
        return bytes;
    }

    /// <summary>The manifest key of a version namespace.</summary>
    public static RedisKey Manifest(byte[] versionNamespace) => Concat(versionNamespace, "manifest"u8);

    /// <summary>The key of catalog chunk <paramref name="index"/> of a version namespace.</summary>
    public static RedisKey Catalog(byte[] versionNamespace, int index)
        => Join(versionNamespace, "catalog:" + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>The bucket directory of a packed version (<see cref="PackedLayout"/>), written before its other keys.</summary>
    public static RedisKey Directory(byte[] versionNamespace) => Concat(versionNamespace, "dir"u8);

    /// <summary>Bucket <paramref name="index"/> of a packed version.</summary>
    public static RedisKey Bucket(byte[] versionNamespace, int index)
        => Join(versionNamespace, "b:" + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>Text-table chunk <paramref name="index"/> of a packed version.</summary>
    public static RedisKey Texts(byte[] versionNamespace, int index)
        => Join(versionNamespace, "s:" + index.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The reservation of a packed publish in progress: how many buckets and text chunks it may have written before its
    /// directory exists (deleted once the directory is written).
    /// </summary>
    public static RedisKey Reservation(byte[] versionNamespace) => Concat(versionNamespace, "reserved"u8);

    /// <summary>Whether a relative key collides with the manifest or catalog keys of a namespace.</summary>
    public static bool IsReserved(string relativeKey)
        => relativeKey == ManifestName || IndexKeys.KindOf(relativeKey) == CatalogKind;

    private static byte[] Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var bytes = new byte[first.Length + second.Length];
        first.CopyTo(bytes);
        second.CopyTo(bytes.AsSpan(first.Length));
        return bytes;
    }
}
