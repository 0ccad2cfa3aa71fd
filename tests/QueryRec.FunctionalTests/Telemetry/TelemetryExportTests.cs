using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using QueryRec.Api.Hosting;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.ServiceDefaults;

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
