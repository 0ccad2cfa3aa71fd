using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.ServiceDefaults;
using QueryRec.Serving.Telemetry;

namespace QueryRec.FunctionalTests.Telemetry;

/// <summary>
/// Issue 7, export: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, nothing registered when no exporter is
/// configured (outside Development), and the user-id hash salt is read from configuration.
/// </summary>
public sealed class TelemetryExportTests
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["laptop"] = 10, ["lamp"] = 5 };

    [Fact]
    public async Task NoExporterConfigured_RegistersNoProvider_AndServes()
    {
        using var factory = QueryRecFactory.Embedded(QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts)));
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "la", UserId = "someone" });

        Assert.Equal(["laptop", "lamp"], response.Items.Select(static i => i.Text));
        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task OtlpEndpointSet_RegistersTracerAndMeterProviders()
    {
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts)),
            [TelemetryExtensions.OtlpEndpointKey] = "http://127.0.0.1:1",
        });
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "la" });

        Assert.Equal(2, response.Items.Count);
        Assert.NotNull(factory.Services.GetService<TracerProvider>());
        Assert.NotNull(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task OtlpEndpointSet_ExportsLogRecordsToTheCollector()
    {
        // A stand-in collector: an HTTP listener on loopback that keeps every OTLP/HTTP request body by path.
        var port = Loopback.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        var receiving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        });

        using (var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-otlp-logs", Counts)),
            [TelemetryExtensions.OtlpEndpointKey] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        }))
        {
            var client = factory.CreateClient(factory.CreateChannel());
            await client.SuggestAsync(new SuggestRequest { Prefix = "la" });

            // The host logs "Index version v-otlp-logs is now active" at start; the record reaches the collector.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!received.Any(static r => r.Path == "/v1/logs" && Encoding.UTF8.GetString(r.Body).Contains("v-otlp-logs is now active", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, "no log record reached the collector; paths seen: " + string.Join(", ", received.Select(static r => r.Path).Distinct()));
                await Task.Delay(50);
            }
        }

        collector.Stop();
        await receiving;
    }

    [Theory]
    [InlineData(null, QueryRecTelemetry.ServiceName)]
    [InlineData("queryrec-eu", "queryrec-eu")]
    public void ServiceName_IsOtelServiceNameWhenSet(string? configured, string expected)
    {
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts)),
            [TelemetryExtensions.EnabledKey] = "true",
            [TelemetryExtensions.ServiceNameKey] = configured,
        });

        var resource = factory.Services.GetRequiredService<TracerProvider>().GetResource();

        Assert.Equal(expected, resource.Attributes.Single(static a => a.Key == "service.name").Value);
    }

    [Fact]
    public void UserHash_DependsOnTheConfiguredSalt()
    {
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts));
        string? HashWith(string salt)
        {
            using var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = index, ["QueryRec:Telemetry:UserHashSalt"] = salt });
            return factory.Services.GetRequiredService<QueryRecInstrumentation>().Hash("user-42");
        }

        var a = HashWith("salt-a");
        Assert.Equal(a, HashWith("salt-a"));
        Assert.NotEqual(a, HashWith("salt-b"));
        Assert.DoesNotContain("user-42", a, StringComparison.Ordinal);
    }
}
