using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryRec.Api.Hosting;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Serving.Index;
using QueryRec.Serving.Time;
using QueryRec.Storage;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>
/// Train/serve skew stays impossible: one log replayed through the in-process pipeline (what <c>evaluate</c> and
/// <c>train --events</c> use) and through the real gRPC server over a loopback channel gives the same answers.
/// </summary>
public sealed class ReplayBothWaysTests : IDisposable
{
    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Vocabulary =
    [
        "xbox 360", "xbox kinect", "xbox live gold", "zune hd", "zune pass", "zelda skyward sword", "iphone 4s",
        "iphone case", "ipad 2", "ipod nano", "nikon d3100", "nintendo 3ds", "netbook", "nook color", "kindle fire",
    ];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-both-ways-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ReplayOfOneLog_InProcessAndOverGrpc_GivesIdenticalAnswers()
    {
        var events = Log(seed: 17, count: 400);
        Directory.CreateDirectory(_dir);
        var index = Path.Combine(_dir, "index.qrx");
        IndexFile.WriteFile(IndexBuilder.Build(events.Where(static e => e.Time < Split.AddDays(-7)), new BuildOptions(), TimeProvider.System).Build, index);
        var service = new InProcessPipelineOptions(index) { Settings = new Dictionary<string, string?> { ["QueryRec:Clock:ReplayStart"] = Split.AddDays(-7).ToString("O") } };
        var options = new StreamingReplayOptions(Split) { WarmupFrom = Split.AddDays(-7), MaxPrefix = 4 };

        List<string> inProcess;
        await using (var pipeline = await InProcessPipeline.StartAsync(service, CancellationToken.None))
        {
            inProcess = await ReplayAsync(events, pipeline, options);
        }

        List<string> overGrpc;
        await using (var server = await GrpcServer.StartAsync(service))
        {
            overGrpc = await ReplayAsync(events, server, options);
        }

        Assert.True(inProcess.Count > 100, $"the log must ask many prefixes (asked {inProcess.Count})");
        Assert.Contains(inProcess, static a => a.Contains('|', StringComparison.Ordinal));
        Assert.Equal(inProcess, overGrpc);
    }

    /// <summary>Every Suggest answer of the replay as one line: the asked prefix, then each item's text and score.</summary>
    private static async Task<List<string>> ReplayAsync(IReadOnlyList<LogEvent> events, IReplayTarget target, StreamingReplayOptions options)
    {
        var answers = new List<string>();
        await StreamingReplay.RunAsync(
            events,
            target,
            options,
            (e, query, length, response) =>
            {
                var items = string.Join(" ", response.Items.Select(static i => $"|{i.Text}:{i.Score:R}"));
                answers.Add($"{e.UserId} {query}[{length}] degraded={response.Metadata.Degraded} {items}");
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        return answers;
    }

    /// <summary>Searches (and some clicks) of a few users over five weeks around the split, sorted by time.</summary>
    private static List<LogEvent> Log(int seed, int count)
    {
        var random = new Random(seed);
        var start = Split.AddDays(-28);
        var events = new List<LogEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var user = "u" + random.Next(12).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var query = Vocabulary[(int)Math.Floor(Math.Pow(random.NextDouble(), 2) * Vocabulary.Length)];
            var time = start.AddMinutes(random.Next(35 * 24 * 60));
            events.Add(new LogEvent(LogEventType.Search, user, query, time));
            if (random.Next(3) == 0)
            {
                events.Add(new LogEvent(LogEventType.Click, user, query, time.AddSeconds(30), ItemId: "sku" + random.Next(40), CategoryId: "cat" + random.Next(4)));
            }
        }

        return [.. events.OrderBy(static e => e.Time)];
    }

    /// <summary>The real API host on a loopback h2c port, with the replay clock permitted, and a client over a real channel.</summary>
    private sealed class GrpcServer : IReplayTarget, IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly GrpcChannel _channel;
        private readonly QueryRecService.QueryRecServiceClient _client;

        private GrpcServer(WebApplication app, GrpcChannel channel)
        {
            _app = app;
            _channel = channel;
            _client = new QueryRecService.QueryRecServiceClient(channel);
        }

        public static async Task<GrpcServer> StartAsync(InProcessPipelineOptions options)
        {
            var settings = InProcessPipeline.SettingsFor(options);
            var app = QueryRecHost.Build(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory }, builder =>
            {
                builder.Configuration.Sources.Clear();
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Logging.ClearProviders();
                builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Listen(IPAddress.Loopback, 0, static l => l.Protocols = HttpProtocols.Http2));
                builder.Services.AddSingleton<ReplayClockPermit>();
            });
            await app.StartAsync();

            // As the in-process pipeline does: answer only once the typo-tolerant matcher is built.
            await app.Services.GetRequiredService<ActiveIndex>().WhenCurrentReadyAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new GrpcServer(app, GrpcChannel.ForAddress(address));
        }

        public Task<GetPushQueriesResponse> GetPushQueriesAsync(GetPushQueriesRequest request, CancellationToken cancellationToken)
            => _client.GetPushQueriesAsync(request, cancellationToken: cancellationToken).ResponseAsync;

        public Task<CorrectResponse> CorrectAsync(CorrectRequest request, CancellationToken cancellationToken)
            => _client.CorrectAsync(request, cancellationToken: cancellationToken).ResponseAsync;

        public Task<DiscoverResponse> DiscoverAsync(DiscoverRequest request, CancellationToken cancellationToken)
            => _client.DiscoverAsync(request, cancellationToken: cancellationToken).ResponseAsync;

        public Task<SuggestResponse> SuggestAsync(SuggestRequest request, CancellationToken cancellationToken)
            => _client.SuggestAsync(request, cancellationToken: cancellationToken).ResponseAsync;

        public Task<ReportEventsResponse> ReportEventsAsync(ReportEventsRequest request, CancellationToken cancellationToken)
            => _client.ReportEventsAsync(request, cancellationToken: cancellationToken).ResponseAsync;

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
