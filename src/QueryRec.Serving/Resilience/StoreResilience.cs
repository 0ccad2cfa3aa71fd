using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using QueryRec.Serving.Telemetry;
using StackExchange.Redis;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// The one Polly pipeline around Redis reads (index and real-time stores share it: one Redis, one circuit). Outer
/// to inner: a circuit breaker (failure ratio over a sampling window, minimum throughput, break duration), then a
/// timeout per read. While the circuit is open reads fail at once with <see cref="BrokenCircuitException"/> instead of
/// each waiting for its request's budget. Only Redis faults count (connection, timeout, server errors); a value that
/// does not parse is a data fault and leaves the circuit alone.
/// </summary>
internal sealed class StoreResilience
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();

    public StoreResilience(IOptions<ResilienceOptions> options, QueryRecInstrumentation metrics, TimeProvider timeProvider, ILogger<StoreResilience> logger)
    {
        Metrics = metrics;
        var settings = options.Value;
        var breaker = settings.CircuitBreaker;
        _pipeline = new ResiliencePipelineBuilder
        {
            // The replay clock moves "now" with replayed events; the breaker's windows are wall-clock durations.
            TimeProvider = timeProvider,
        }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.FailureRatio,
                SamplingDuration = breaker.SamplingDuration,
                MinimumThroughput = breaker.MinimumThroughput,
                BreakDuration = breaker.BreakDuration,
                StateProvider = _state,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsStoreFault(ex)),
                OnOpened = args =>
                {
                    metrics.CircuitState("open");
                    ResilienceLog.CircuitOpened(logger, args.Outcome.Exception, args.BreakDuration.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    metrics.CircuitState("half_open");
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    metrics.CircuitState("closed");
                    ResilienceLog.CircuitClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(settings.ReadTimeout)
            .Build();
    }

    /// <summary>The instruments fallbacks are counted on.</summary>
    public QueryRecInstrumentation Metrics { get; }

    /// <summary>True while reads fail fast (the circuit is open or isolated).</summary>
    public bool IsOpen => _state.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>The breaker's state, for tests and diagnostics.</summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>
    /// Runs one read through the pipeline. A read refused by the open circuit throws <see cref="BrokenCircuitException"/>;
    /// the step that catches it drops what it was reading with its own reason and adds the store's
    /// (<see cref="CallScope.AddStoreFault"/>).
    /// </summary>
    public ValueTask<T> ExecuteAsync<T, TState>(Func<TState, CancellationToken, ValueTask<T>> read, TState state, CancellationToken cancellationToken)
        => _pipeline.ExecuteAsync(read, state, cancellationToken);

    /// <summary>Whether an exception is a fault of the store (counted by the breaker) rather than of the data or the caller.</summary>
    /// <remarks>A value that does not parse (<see cref="Google.Protobuf.InvalidProtocolBufferException"/>, an <see cref="IOException"/>) is a data fault.</remarks>
    public static bool IsStoreFault(Exception exception) => exception is not Google.Protobuf.InvalidProtocolBufferException
        and (RedisException or TimeoutException or TimeoutRejectedException or SocketException or IOException or ObjectDisposedException);
}
