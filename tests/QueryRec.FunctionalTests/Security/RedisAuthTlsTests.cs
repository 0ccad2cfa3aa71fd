using Grpc.Health.V1;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Security;

/// <summary>
/// Redis AUTH (password and ACL user) and TLS (a private CA, and mutual TLS) on a real redis-server: the indexer CLI
/// publishes and the server serves with the right settings in the same configuration string; wrong or missing
/// credentials fail clearly (the CLI exits 1 naming the failure, the server is not ready and answers degraded).
/// </summary>
public sealed class RedisAuthTlsTests
{
    private const string Password = "s3cret-default";
    private const string AclPassword = "acl-pass-9";

    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["laptop"] = 10, ["lamp"] = 5 };

    private static async Task<(int Code, string Error)> PublishAsync(string connection, string keyPrefix, string version)
    {
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries(version, Counts));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(["publish", "--index", index, "--redis", connection, "--key-prefix", keyPrefix], output, error);
        return (code, error.ToString());
    }

    private static QueryRecFactory Server(string connection, string keyPrefix) => new(new()
    {
        ["QueryRec:Store:Redis"] = connection,
        ["QueryRec:Store:KeyPrefix"] = keyPrefix,
        ["QueryRec:Store:PollInterval"] = "00:00:00.200",
    });

    private static async Task AssertServesAsync(string connection, string keyPrefix, string version)
    {
        using var factory = Server(connection, keyPrefix);
        var client = factory.CreateClient(factory.CreateChannel());

        // The index loads in the background after start.
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        SuggestResponse response;
        while ((response = await client.SuggestAsync(new SuggestRequest { Prefix = "la" })).Metadata.IndexVersion.Length == 0)
        {
            Assert.True(DateTime.UtcNow < end, $"The server never loaded the index: {response.Metadata}");
            await Task.Delay(50);
        }

        Assert.Equal(version, response.Metadata.IndexVersion);
        Assert.False(response.Metadata.Degraded);
        Assert.Equal(["laptop", "lamp"], response.Items.Select(static i => i.Text));
    }

    private static async Task AssertNotServingAsync(string connection, string keyPrefix)
    {
        using var factory = Server(connection, keyPrefix);
        var channel = factory.CreateChannel();

        var response = await factory.CreateClient(channel).SuggestAsync(new SuggestRequest { Prefix = "la" });
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.True(response.Metadata.Degraded);
        Assert.Contains("index_unavailable", response.Metadata.DegradedReasons);
        Assert.Empty(response.Items);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, health.Status);
    }

    [Fact]
    public async Task Auth_RightPasswordOrAclUser_PublishesAndServes_WrongOnesFailClearly()
    {
        await using var redis = new RedisServerFixture { Password = Password, AclUser = ("queryrec", AclPassword) };
        await redis.InitializeAsync();
        var address = $"127.0.0.1:{redis.Port}";
        var prefix = RedisServerFixture.NewKeyPrefix();

        var wrong = await PublishAsync($"{address},password=not-the-password", prefix, "v-wrong");
        var none = await PublishAsync(address, prefix, "v-none");
        var aclWrong = await PublishAsync($"{address},user=queryrec,password=not-the-password", prefix, "v-acl-wrong");
        var acl = await PublishAsync($"{address},user=queryrec,password={AclPassword}", prefix, "v-acl");

        Assert.Equal(IndexerCli.ExitFailure, wrong.Code);
        Assert.Contains("authentication", wrong.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-the-password", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(IndexerCli.ExitFailure, none.Code);
        Assert.Contains("cannot connect to Redis", none.Error, StringComparison.Ordinal);
        Assert.Equal(IndexerCli.ExitFailure, aclWrong.Code);
        Assert.Contains("authentication", aclWrong.Error, StringComparison.OrdinalIgnoreCase);
        Assert.True(acl.Code == 0, acl.Error);

        await AssertServesAsync($"{address},password={Password}", prefix, "v-acl");
        await AssertServesAsync($"{address},user=queryrec,password={AclPassword}", prefix, "v-acl");
        await AssertNotServingAsync($"{address},password=not-the-password", prefix);
    }

    [Fact]
    public async Task Tls_PrivateCaTrusted_PublishesAndServes_UntrustedFailsClearly()
    {
        await using var redis = new RedisServerFixture { Tls = true, Password = Password };
        await redis.InitializeAsync();
        var trusted = $"{redis.ConnectionString},tlsCaFile={redis.CaCertificatePath}";
        var prefix = RedisServerFixture.NewKeyPrefix();

        var untrusted = await PublishAsync(redis.ConnectionString, prefix, "v-untrusted");
        var plain = await PublishAsync($"127.0.0.1:{redis.Port},password={Password}", prefix, "v-plain");
        var ok = await PublishAsync(trusted, prefix, "v-tls");

        Assert.Equal(IndexerCli.ExitFailure, untrusted.Code);
        Assert.Contains("cannot connect to Redis", untrusted.Error, StringComparison.Ordinal);
        Assert.Equal(IndexerCli.ExitFailure, plain.Code);
        Assert.True(ok.Code == 0, ok.Error);
        await AssertServesAsync(trusted, prefix, "v-tls");
        await AssertNotServingAsync(redis.ConnectionString, prefix);
    }

    [Fact]
    public async Task MutualTls_ClientCertificate_IsPresentedWhenConfigured()
    {
        await using var redis = new RedisServerFixture { Tls = true, TlsClientCertificateRequired = true };
        await redis.InitializeAsync();
        var (certificate, key) = redis.ClientCertificate!.Value;
        var withoutCertificate = $"{redis.ConnectionString},tlsCaFile={redis.CaCertificatePath}";
        var withCertificate = $"{withoutCertificate},tlsCertFile={certificate},tlsKeyFile={key}";
        var prefix = RedisServerFixture.NewKeyPrefix();

        var refused = await PublishAsync(withoutCertificate, prefix, "v-refused");
        var ok = await PublishAsync(withCertificate, prefix, "v-mtls");

        Assert.Equal(IndexerCli.ExitFailure, refused.Code);
        Assert.True(ok.Code == 0, ok.Error);
        await AssertServesAsync(withCertificate, prefix, "v-mtls");
    }

    [Theory]
    [InlineData("tlsCaFile=/nonexistent/ca.crt", "tlsCaFile '/nonexistent/ca.crt' does not exist")]
    [InlineData("tlsKeyFile=/tmp/key.pem", "tlsKeyFile is set without tlsCertFile")]
    public async Task BadTlsFileSetting_IsAClearErrorFromTheCliAndAtServerStart(string setting, string message)
    {
        var connection = $"127.0.0.1:6379,password=do-not-print-me,{setting}";

        var cli = await PublishAsync(connection, "qr:", "v1");
        var server = ApiProcess.StartupFailure(new Dictionary<string, string?> { ["QueryRec:Store:Redis"] = connection });

        Assert.Equal(IndexerCli.ExitUserError, cli.Code);
        Assert.Contains(message, cli.Error, StringComparison.Ordinal);
        Assert.Contains(message, server, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-print-me", cli.Error + server, StringComparison.Ordinal);
    }
}
