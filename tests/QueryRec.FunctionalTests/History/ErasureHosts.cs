using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.Admin.V1;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Cluster;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage.Realtime;
using QueryRec.TestSupport;
using StackExchange.Redis;

namespace QueryRec.FunctionalTests.History;

/// <summary>
/// The real server on Kestrel sockets with an admin endpoint: the public gRPC port, the Web port and the admin port
/// (with <see cref="Token"/>), and clients on each. Subclasses choose the real-time store and say which stored records
/// still name a subject or an event id, read from the store itself.
/// </summary>
public abstract class ErasureHost : IAsyncLifetime
{
    public const string Token = "erasure-test-token-5f1c9a";

    private GrpcChannel? _public;
    private GrpcChannel? _web;
    private GrpcChannel? _admin;

    public int GrpcPort { get; } = Loopback.FreePort();

    public int WebPort { get; } = Loopback.FreePort();

    public int AdminPort { get; } = Loopback.FreePort();

    public QueryRecFactory Factory { get; private set; } = null!;

    /// <summary>The public service on the public gRPC port.</summary>
    public QueryRecService.QueryRecServiceClient Client { get; private set; } = null!;

    /// <summary>The admin service on the admin port.</summary>
    public AdminService.AdminServiceClient Admin { get; private set; } = null!;

    /// <summary>The admin service asked on the public gRPC port.</summary>
    public AdminService.AdminServiceClient AdminOnPublicPort { get; private set; } = null!;

    /// <summary>The admin service asked on the Web port, through gRPC-Web.</summary>
    public AdminService.AdminServiceClient AdminOnWebPort { get; private set; } = null!;

    /// <summary>Call options with the admin bearer token.</summary>
    public static CallOptions WithToken(string token = Token) => new(new Metadata { { "authorization", "Bearer " + token } });

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Kestrel:Endpoints:Admin:Url"] = $"http://127.0.0.1:{AdminPort}",
            ["Kestrel:Endpoints:Admin:Protocols"] = "Http2",
            ["QueryRec:Admin:Port"] = AdminPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QueryRec:Admin:Token"] = Token,
        };
        await ConfigureAsync(settings);
        Factory = QueryRecFactory.StartOnKestrel(GrpcPort, WebPort, settings);
        _public = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        _web = GrpcChannel.ForAddress($"http://127.0.0.1:{WebPort}", new GrpcChannelOptions
        {
            // As a browser reaches the Web port: gRPC-Web over HTTP/1.1.
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            HttpVersion = System.Net.HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        _admin = GrpcChannel.ForAddress($"http://127.0.0.1:{AdminPort}");
        Client = new QueryRecService.QueryRecServiceClient(_public);
        Admin = new AdminService.AdminServiceClient(_admin);
        AdminOnPublicPort = new AdminService.AdminServiceClient(_public);
        AdminOnWebPort = new AdminService.AdminServiceClient(_web);
    }

    public virtual Task DisposeAsync()
    {
        _public?.Dispose();
        _web?.Dispose();
        _admin?.Dispose();
        Factory?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>What still names <paramref name="subject"/> or one of <paramref name="eventIds"/> in the store.</summary>
    public abstract Task<IReadOnlyList<string>> RecordsOfAsync(string subject, IReadOnlyCollection<string> eventIds);

    protected abstract Task ConfigureAsync(Dictionary<string, string?> settings);

    /// <summary>Every key under <paramref name="prefix"/> on the given servers that names the subject or an event id.</summary>
    protected static IReadOnlyList<string> KeysNaming(IEnumerable<IServer> servers, string prefix, string subject, IReadOnlyCollection<string> eventIds)
        => servers
            .SelectMany(server => server.Keys(pattern: prefix + "*", pageSize: 1000))
            .Select(static k => (string)k!)
            .Where(k => k.Contains(subject, StringComparison.Ordinal) || eventIds.Any(id => k.EndsWith(":" + id, StringComparison.Ordinal)))
            .ToList();
}

/// <summary>The in-process real-time store, inspected directly.</summary>
public sealed class EmbeddedErasureHost : ErasureHost
{
    public override Task<IReadOnlyList<string>> RecordsOfAsync(string subject, IReadOnlyCollection<string> eventIds)
    {
        var store = (EmbeddedRealtimeStore)Factory.Services.GetRequiredService<IRealtimeStore>();
        return Task.FromResult<IReadOnlyList<string>>(store.Holds(subject) ? [subject] : []);
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(HistoryHost.BuildIndex());
        return Task.CompletedTask;
    }
}

/// <summary>A real redis-server; the keyspace is read with SCAN (the test's, not the service's).</summary>
public sealed class RedisErasureHost : ErasureHost
{
    private readonly RedisServerFixture _redis = new();
    private string _prefix = string.Empty;

    /// <summary>The Redis the host uses, as the indexer's --redis takes it.</summary>
    public string ConnectionString => _redis.ConnectionString;

    /// <summary>The key prefix of the host's keys.</summary>
    public string KeyPrefix => _prefix;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    public override Task<IReadOnlyList<string>> RecordsOfAsync(string subject, IReadOnlyCollection<string> eventIds)
        => Task.FromResult(KeysNaming(_redis.Redis.GetServers(), _prefix, subject, eventIds));

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        await RedisTestIndex.PublishAndConfigureAsync(_redis, HistoryHost.BuildIndex(), settings);
        _prefix = settings["QueryRec:Store:KeyPrefix"]!;
    }
}

/// <summary>A three-master Redis Cluster; the keyspace of every master is read.</summary>
public sealed class ClusterErasureHost : ErasureHost
{
    private readonly RedisClusterFixture _cluster = new();
    private string _prefix = string.Empty;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    public override Task<IReadOnlyList<string>> RecordsOfAsync(string subject, IReadOnlyCollection<string> eventIds)
        => Task.FromResult(KeysNaming(_cluster.Masters, _prefix, subject, eventIds));

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        await ClusterTestIndex.PublishAndConfigureAsync(_cluster, HistoryHost.BuildIndex(), settings);
        _prefix = settings["QueryRec:Store:KeyPrefix"]!;
    }
}
