using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Security;

/// <summary>
/// The public port serves reads, ReportEvents, the caller's own DeleteHistory and health only: erasure, publish, rollback and configuration changes are not
/// reachable from it (they are the indexer CLI, with Redis credentials). Enumerated from the host's endpoint data
/// source, so a method or route added later shows up here.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] QueryRecMethods =
    [
        "/queryrec.v1.QueryRecService/Correct",
        "/queryrec.v1.QueryRecService/DeleteHistory",
        "/queryrec.v1.QueryRecService/Discover",
        "/queryrec.v1.QueryRecService/GetPushQueries",
        "/queryrec.v1.QueryRecService/GetShadingWords",
        "/queryrec.v1.QueryRecService/ReportEvents",
        "/queryrec.v1.QueryRecService/Suggest",
    ];

    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["laptop"] = 10 };

    private static QueryRecFactory Host(string? reflection = null, string? environment = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v1", Counts)),
        };
        if (reflection is not null)
        {
            settings["QueryRec:Grpc:Reflection"] = reflection;
        }

        return new QueryRecFactory(settings) { Environment = environment };
    }

    /// <summary>The gRPC services and methods the host serves (grpc-dotnet's catch-all "unimplemented" routes left out).</summary>
    private static List<string> GrpcMethods(QueryRecFactory factory)
    {
        _ = factory.Server;
        return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(static e => e.Metadata.GetMetadata<GrpcMethodMetadata>())
            .OfType<GrpcMethodMetadata>()
            .Select(static m => m.Method.FullName)
            .Where(static name => !name.Contains('{', StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static List<string> HttpRoutes(QueryRecFactory factory)
    {
        _ = factory.Server;
        return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(static e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is null)
            .Select(static e => e.RoutePattern.RawText ?? string.Empty)

            // grpc-dotnet's catch-alls that answer UNIMPLEMENTED for unknown services and methods.
            .Where(static route => !route.Contains("{unimplementedMethod", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public void PublicPort_ServesOnlyReadReportDeleteHistoryAndHealthMethods()
    {
        using var factory = Host();

        var methods = GrpcMethods(factory);

        Assert.Equal(QueryRecMethods, methods.Where(static m => m.StartsWith("/queryrec.", StringComparison.Ordinal)));
        Assert.All(methods.Where(static m => !m.StartsWith("/queryrec.", StringComparison.Ordinal)), static m => Assert.StartsWith("/grpc.health.v1.Health/", m, StringComparison.Ordinal));
        Assert.DoesNotContain(methods, static m => m.Contains("Publish", StringComparison.OrdinalIgnoreCase)
            || m.Contains("Rollback", StringComparison.OrdinalIgnoreCase)
            || m.Contains("Config", StringComparison.OrdinalIgnoreCase)
            || m.Contains("Admin", StringComparison.OrdinalIgnoreCase));
        // "/" is the storefront page: a static file (wwwroot), not a route; the text line moved to /about.
        Assert.Equal(["/about", "/healthz/live", "/healthz/ready"], HttpRoutes(factory));
    }

    [Fact]
    public void Reflection_OutsideDevelopment_IsOffByDefault()
    {
        using var factory = Host(environment: "Production");

        Assert.DoesNotContain(GrpcMethods(factory), static m => m.Contains("reflection", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Reflection_InDevelopment_IsOnByDefault()
    {
        using var factory = Host(environment: "Development");

        Assert.Contains(GrpcMethods(factory), static m => m.StartsWith("/grpc.reflection.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production", "true", true)]
    [InlineData("Development", "false", false)]
    public void Reflection_Setting_OverridesTheEnvironmentDefault(string environment, string setting, bool served)
    {
        using var factory = Host(setting, environment);

        Assert.Equal(served, GrpcMethods(factory).Any(static m => m.StartsWith("/grpc.reflection.", StringComparison.Ordinal)));
    }
}
