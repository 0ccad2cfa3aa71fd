using QueryRec.Storage.Redis;

namespace QueryRec.UnitTests.Storage.Redis;

public sealed class RedisConnectionTests
{
    [Fact]
    public void CreateOptions_PlainEndpoint_AppliesResilientDefaults()
    {
        var options = RedisConnection.CreateOptions("localhost:6379");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(5000, options.ConnectTimeout);
        Assert.Equal(5000, options.SyncTimeout);
        Assert.Equal(5000, options.AsyncTimeout);
        Assert.Equal("queryrec", options.ClientName);
    }

    [Fact]
    public void CreateOptions_ExplicitSettings_KeepsThemButNeverAbortsOnConnectFail()
    {
        var options = RedisConnection.CreateOptions("localhost:6379,name=indexer,syncTimeout=250,abortConnect=true");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(250, options.SyncTimeout);
        Assert.Equal(5000, options.ConnectTimeout);
        Assert.Equal("indexer", options.ClientName);
    }
}
