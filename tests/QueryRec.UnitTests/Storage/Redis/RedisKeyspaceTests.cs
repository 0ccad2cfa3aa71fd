using System.Text;
using QueryRec.Storage.Redis;
using StackExchange.Redis;

namespace QueryRec.UnitTests.Storage.Redis;

public sealed class RedisKeyspaceTests
{
    private readonly RedisKeyspace _keys = new("qr:");

    [Fact]
    public void Join_RelativeKey_IsUnderVersionNamespace()
    {
        var key = RedisKeyspace.Join(_keys.VersionNamespace("v1"), "p:gé");

        Assert.Equal("qr:idx:v1:p:gé", key.ToString());
    }

    [Fact]
    public void ManifestAndCatalog_Version_AreUnderVersionNamespace()
    {
        var ns = _keys.VersionNamespace("20261129T101500Z-3fa2c1d0");

        Assert.Equal("qr:idx:20261129T101500Z-3fa2c1d0:manifest", RedisKeyspace.Manifest(ns).ToString());
        Assert.Equal("qr:idx:20261129T101500Z-3fa2c1d0:catalog:12", RedisKeyspace.Catalog(ns, 12).ToString());
    }

    [Fact]
    public void ControlKeys_AnyPrefix_ShareTheCtlHashTag()
    {
        string[] names = [.. _keys.ControlKeys.Select(k => k.ToString())];

        Assert.Equal(["qr:{ctl}:active", "qr:{ctl}:versions", "qr:{ctl}:published", "qr:{ctl}:seq"], names);
    }

    [Fact]
    public void Channel_Prefix_IsIndexUpdates()
    {
        Assert.Equal(RedisChannel.Literal(Encoding.UTF8.GetBytes("qr:index-updates")), _keys.Channel);
    }

    [Theory]
    [InlineData("manifest", true)]
    [InlineData("catalog:0", true)]
    [InlineData("p:manifest", false)]
    [InlineData("q:catalog", false)]
    public void IsReserved_RelativeKey_DetectsCollisionsWithStoreKeys(string key, bool reserved)
    {
        Assert.Equal(reserved, RedisKeyspace.IsReserved(key));
    }
}
