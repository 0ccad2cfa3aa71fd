using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// Resilience around Redis reads (timeout, circuit breaker, near-cache, last good lists) and the gRPC concurrency
/// limit. Section <c>QueryRec:Resilience</c>; read at start.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Resilience";

    /// <summary>
    /// Timeout of one Redis read. A read that takes longer counts as a failure for the circuit breaker. The request
    /// budgets (<c>QueryRec:Suggest:StoreBudget</c>, <c>QueryRec:Strategies:RecallBudget</c>) still bound each answer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The circuit breaker around Redis reads.</summary>
    [Required]
    [ValidateObjectMembers]
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>The near-cache in front of Redis index reads.</summary>
    [Required]
    [ValidateObjectMembers]
    public NearCacheSettings NearCache { get; set; } = new();

    /// <summary>The concurrency limit of the public gRPC service.</summary>
    [Required]
    [ValidateObjectMembers]
    public ConcurrencyLimitSettings ConcurrencyLimit { get; set; } = new();
}

/// <summary>When the circuit around Redis reads opens, and for how long.</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Share of failed reads within <see cref="SamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The window over which the failure ratio is measured.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads within the window before the ratio is considered at all.</summary>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 20;

    /// <summary>How long the circuit stays open (reads fail fast) before one probe read is let through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The in-process near-cache of index reads, keyed by (index version, key).</summary>
public sealed class NearCacheSettings
{
    /// <summary>Turns the near-cache on or off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most entries held (least recently used are evicted first).</summary>
    [Range(16, 10_000_000)]
    public int MaxEntries { get; set; } = 50_000;

    /// <summary>A value larger than this (serialized bytes) is not cached.</summary>
    [Range(64, 16 * 1024 * 1024)]
    public int MaxEntryBytes { get; set; } = 64 * 1024;
}

/// <summary>How many calls of the public gRPC service run at once; the rest are shed with RESOURCE_EXHAUSTED.</summary>
public sealed class ConcurrencyLimitSettings
{
    /// <summary>Calls served at once (health checks are never counted nor shed).</summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; } = 1024;

    /// <summary>Calls that may wait for a permit; 0 sheds at once.</summary>
    [Range(0, 1_000_000)]
    public int QueueLimit { get; set; }
}

/// <summary>Source-generated DataAnnotations validation of <see cref="ResilienceOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ResilienceOptionsValidator : IValidateOptions<ResilienceOptions>;
