using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Discover;
using Xunit.Abstractions;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// The bad-input corpus (<see cref="BadInputCorpus"/>) through the real gRPC channel, as raw bytes: every case is
/// answered OK or INVALID_ARGUMENT naming the field (RESOURCE_EXHAUSTED for a message over the size limit), never
/// INTERNAL or UNKNOWN; the server still answers a normal call afterwards and its memory stays flat over repeats.
/// </summary>
public abstract class BadInputTests<THost>(THost host, ITestOutputHelper output)
    where THost : BrowseHost
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(static b => b, static b => b);

    // One method object per RPC: a channel caches per-method state by method object.
    private static readonly Dictionary<CorpusRpc, Method<byte[], byte[]>> Methods = System.Enum.GetValues<CorpusRpc>()
        .ToDictionary(static rpc => rpc, static rpc => new Method<byte[], byte[]>(MethodType.Unary, "queryrec.v1.QueryRecService", rpc.ToString(), Raw, Raw));

    /// <summary>Sends <paramref name="c"/> and asserts the answer it must get.</summary>
    internal static async Task AssertAnswerAsync(CallInvoker invoker, CorpusCase c)
    {
        var method = Methods[c.Rpc];
        byte[] answer;
        try
        {
            answer = await invoker.AsyncUnaryCall(method, null, default, c.Payload);
        }
        catch (RpcException ex)
        {
            AssertError(c, ex);
            return;
        }

        Assert.True(
            c.Expected is CorpusOutcome.Ok or CorpusOutcome.OkOrInvalid or CorpusOutcome.Rejected or CorpusOutcome.AcceptedOrRejected,
            $"{c.Name}: expected {c.Expected} on '{c.Field}', got OK.");
        switch (c.Rpc)
        {
            case CorpusRpc.Suggest:
                Assert.NotNull(SuggestResponse.Parser.ParseFrom(answer).Metadata);
                break;
            case CorpusRpc.Discover:
                Assert.NotNull(DiscoverResponse.Parser.ParseFrom(answer).Metadata);
                break;
            case CorpusRpc.GetShadingWords:
                Assert.NotNull(GetShadingWordsResponse.Parser.ParseFrom(answer).Metadata);
                break;
            case CorpusRpc.DeleteHistory:
                Assert.NotNull(DeleteHistoryResponse.Parser.ParseFrom(answer).Metadata);
                break;
            case CorpusRpc.GetPushQueries:
                Assert.NotNull(GetPushQueriesResponse.Parser.ParseFrom(answer).Metadata);
                break;
            case CorpusRpc.Correct:
                Assert.NotNull(CorrectResponse.Parser.ParseFrom(answer).Metadata);
                break;
            default:
                AssertEvents(c, ReportEventsResponse.Parser.ParseFrom(answer));
                break;
        }
    }

    private static void AssertEvents(CorpusCase c, ReportEventsResponse response)
    {
        var applied = response.Accepted + response.Duplicates;
        switch (c.Expected)
        {
            case CorpusOutcome.Ok:
                Assert.True(applied == 1 && response.Rejected.Count == 0, $"{c.Name}: expected the event accepted, got {response}.");
                break;
            case CorpusOutcome.Rejected:
                Assert.True(applied == 0, $"{c.Name}: expected the event rejected on '{c.Field}', got {response}.");
                AssertRejectedOn(c, response);
                break;
            default:
                if (applied != 1)
                {
                    AssertRejectedOn(c, response);
                }

                break;
        }
    }

    private static void AssertRejectedOn(CorpusCase c, ReportEventsResponse response)
    {
        var rejection = Assert.Single(response.Rejected);
        Assert.Equal(0, rejection.Index);
        Assert.True(c.Field == rejection.Field, $"{c.Name}: expected a rejection on '{c.Field}', got '{rejection.Field}': {rejection.Reason}");
        Assert.False(string.IsNullOrWhiteSpace(rejection.Reason));
    }

    private static void AssertError(CorpusCase c, RpcException ex)
    {
        switch (c.Expected)
        {
            case CorpusOutcome.TooLarge:
                Assert.True(ex.StatusCode == StatusCode.ResourceExhausted, $"{c.Name}: expected RESOURCE_EXHAUSTED, got {ex.StatusCode}: {ex.Status.Detail}");
                return;
            case CorpusOutcome.Invalid or CorpusOutcome.OkOrInvalid or CorpusOutcome.Malformed:
                Assert.True(ex.StatusCode == StatusCode.InvalidArgument, $"{c.Name}: expected INVALID_ARGUMENT on '{c.Field}', got {ex.StatusCode}: {ex.Status.Detail}");
                var badRequest = ex.GetRpcStatus()?.GetDetail<BadRequest>();
                Assert.True(badRequest is not null, $"{c.Name}: INVALID_ARGUMENT without a BadRequest detail: {ex.Status.Detail}");
                var fields = badRequest.FieldViolations.Select(static v => v.Field).ToList();
                Assert.True(fields is [var only] && only == c.Field, $"{c.Name}: expected one violation on '{c.Field}', got {fields.Count}: [{string.Join(", ", fields.Take(5))}]");
                Assert.All(badRequest.FieldViolations, static v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
                return;
            default:
                Assert.Fail($"{c.Name}: expected {c.Expected}, got {ex.StatusCode}: {ex.Status.Detail}");
                return;
        }
    }

    [Theory]
    [MemberData(nameof(BadInputCorpus.Names), MemberType = typeof(BadInputCorpus))]
    public async Task Case_IsAnsweredOkOrInvalidArgumentNamingTheField(string name)
    {
        using var channel = host.Factory.CreateChannel();
        await AssertAnswerAsync(channel.CreateCallInvoker(), BadInputCorpus.All[name]);
    }

    [Fact]
    public void Corpus_HasAtLeastAHundredCasesOverEveryRpc()
    {
        Assert.True(BadInputCorpus.All.Count >= 100);
        foreach (var rpc in System.Enum.GetValues<CorpusRpc>())
        {
            Assert.Contains(BadInputCorpus.All.Values, c => c.Rpc == rpc && c.Expected == CorpusOutcome.Invalid);
            Assert.Contains(BadInputCorpus.All.Values, c => c.Rpc == rpc && c.Expected == CorpusOutcome.Ok);
        }
    }

    [Fact]
    public async Task Corpus_Repeated_ServerStillAnswersAndMemoryStaysFlat()
    {
        using var channel = host.Factory.CreateChannel();
        var invoker = channel.CreateCallInvoker();
        var cases = BadInputCorpus.All.Values.ToList();

        // Two passes to warm every path (caches, pools, JIT, Redis client buffers), then measure over several more.
        await RunAsync(invoker, cases);
        await RunAsync(invoker, cases);
        var before = Settled();
        const int Passes = 6;
        for (var i = 0; i < Passes; i++)
        {
            await RunAsync(invoker, cases);
            output.WriteLine($"pass {i + 3}: {Settled() / 1024} KiB");
        }

        var after = Settled();

        // The measured passes make about 7,000 calls carrying tens of MB: keeping any request, or 2.5 KB per call,
        // would cross the bound. Observed growth is a few MB at most (pools and buffers still settling).
        var growth = after - before;
        output.WriteLine($"{cases.Count} cases; managed memory after the warm-up passes {before / 1024} KiB, after {Passes} more {after / 1024} KiB (growth {growth / 1024} KiB).");
        Assert.True(growth < 16 * 1024 * 1024, $"Managed memory grew by {growth / 1024} KiB over {Passes} passes of {cases.Count} cases.");
        var client = new QueryRecService.QueryRecServiceClient(channel);
        var normal = await client.DiscoverAsync(new DiscoverRequest { Stage = Stage.BeforeSearch, Sections = { SectionKind.Hot } });
        Assert.Contains("laptop", Assert.Single(normal.Sections).Items.Select(static i => i.Text));
    }

    private static async Task RunAsync(CallInvoker invoker, List<CorpusCase> cases)
    {
        foreach (var c in cases)
        {
            await AssertAnswerAsync(invoker, c);
        }
    }

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>The corpus against the embedded index and in-process real-time store.</summary>
public sealed class BadInputEmbeddedTests(EmbeddedBrowseHost host, ITestOutputHelper output) : BadInputTests<EmbeddedBrowseHost>(host, output), IClassFixture<EmbeddedBrowseHost>;

/// <summary>The corpus against a real redis-server (index and real-time store): odd bytes end up in Redis keys and values.</summary>
public sealed class BadInputRedisTests(RedisBrowseHost host, ITestOutputHelper output) : BadInputTests<RedisBrowseHost>(host, output), IClassFixture<RedisBrowseHost>;
