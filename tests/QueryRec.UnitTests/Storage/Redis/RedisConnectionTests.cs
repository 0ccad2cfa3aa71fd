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

    [Fact]
    public void CreateOptions_AuthAndTlsSettings_AreKept()
    {
        var options = RedisConnection.CreateOptions("redis.internal:6380,user=queryrec,password=p4ss,ssl=true,sslHost=redis.internal");

        Assert.Equal("queryrec", options.User);
        Assert.Equal("p4ss", options.Password);
        Assert.True(options.Ssl);
        Assert.Equal("redis.internal", options.SslHost);
    }

    [Fact]
    public void CreateOptions_CaFile_TurnsTlsOnAndIsNotPassedToStackExchangeRedis()
    {
        var ca = Path.GetTempFileName();
        try
        {
            using var key = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(ca, certificate.ExportCertificatePem());

            var options = RedisConnection.CreateOptions($"localhost:6380,tlsCaFile={ca},password=x");

            Assert.True(options.Ssl);
            Assert.Equal("x", options.Password);
            Assert.DoesNotContain("tlsCaFile", options.ToString(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Fact]
    public void CreateOptions_CaFileThatIsNotACertificate_ThrowsAClearArgumentException()
    {
        var ca = Path.GetTempFileName();
        try
        {
            File.WriteAllText(ca, "not a certificate");

            var ex = Assert.Throws<ArgumentException>(() => RedisConnection.CreateOptions($"localhost,tlsCaFile={ca}"));

            Assert.Contains($"tlsCaFile '{ca}' is not a certificate", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Theory]
    [InlineData("localhost,tlsCaFile=/nonexistent/ca.crt", "tlsCaFile '/nonexistent/ca.crt' does not exist")]
    [InlineData("localhost,tlsCertFile=/nonexistent/c.crt", "tlsCertFile '/nonexistent/c.crt' does not exist")]
    [InlineData("localhost,tlsKeyFile=/nonexistent/c.key", "tlsKeyFile is set without tlsCertFile")]
    public void CreateOptions_BadTlsFileSetting_ThrowsAClearArgumentException(string configuration, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => RedisConnection.CreateOptions(configuration));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:6379,password=hunter2,ssl=true", "localhost:6379,password=***,ssl=true")]
    [InlineData("localhost:6379, Password=hunter2", "localhost:6379,password=***")]
    [InlineData("localhost:6379", "localhost:6379")]
    public void Redact_MasksThePassword(string configuration, string expected)
    {
        Assert.Equal(expected, RedisConnection.Redact(configuration));
    }
}
