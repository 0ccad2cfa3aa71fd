using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryRec.Api.Hosting;
using QueryRec.FunctionalTests.Telemetry;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Hosting;

/// <summary>A server started from a directory without <c>wwwroot</c> serves the API quietly, without the page.</summary>
public sealed class WebRootTests
{
    [Fact]
    public async Task Start_ContentRootWithoutWwwroot_NoWebRootWarningAndAboutAnswers()
    {
        var logs = new CapturingLoggerProvider();
        var options = new WebApplicationOptions { ContentRootPath = TempDirectories.Create("queryrec-no-webroot-"), EnvironmentName = "Production" };
        await using var app = QueryRecHost.Build(options, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Logging.AddProvider(logs);
            builder.Services.Configure<LoggerFilterOptions>(static o => o.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
        });
        await app.StartAsync();
        using var http = app.GetTestClient();

        var about = await http.GetAsync(new Uri("/about", UriKind.Relative));
        var page = await http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.True(about.IsSuccessStatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain(logs.Lines, l => l.Text.Contains("WebRootPath", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Level >= LogLevel.Warning && l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }
}
