using Microsoft.Extensions.Options;
using QueryRec.Api.Recall;
using QueryRec.Core.Hygiene;

namespace QueryRec.Api.Rerank;

/// <summary>Serving-time rerank rules shared by strategies. Section <c>QueryRec:Rerank</c>; hot-reloaded.</summary>
public sealed class RerankOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Rerank";

    /// <summary>
    /// Blacklist entries, in the indexer's <c>--blacklist</c> syntax (a term, or <c>re:PATTERN</c>). The index is
    /// already clean; this removes real-time candidates (history, trending) that never went through the build.
    /// </summary>
    public IList<string> Blacklist { get; } = [];
}

/// <summary>Validates <see cref="RerankOptions"/>: every blacklist entry must parse.</summary>
internal sealed class RerankOptionsValidator : IValidateOptions<RerankOptions>
{
    public ValidateOptionsResult Validate(string? name, RerankOptions options)
        => QueryBlacklist.TryParse(options.Blacklist, out _, out var error)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{RerankOptions.Section}:Blacklist {error}");
}

/// <summary>
/// The rerank stage: drops blacklisted candidates, orders by match tier (exact, infix, fuzzy: no weight can lift a
/// fuzzy match above an exact one), then by score (ties keep recall order), and limits. The
/// blacklist is rebuilt when the options change; an entry that does not parse keeps the last good blacklist.
/// </summary>
internal sealed class Reranker : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile QueryBlacklist _blacklist;

    public Reranker(IOptionsMonitor<RerankOptions> options)
    {
        _blacklist = Build(options.CurrentValue) ?? QueryBlacklist.Empty;
        _subscription = options.OnChange(o => _blacklist = Build(o) ?? _blacklist);
    }

    /// <summary>The top <paramref name="limit"/> candidates that pass the filters, best first.</summary>
    public List<Candidate> Apply(IReadOnlyList<Candidate> candidates, int limit)
    {
        var blacklist = _blacklist;
        IEnumerable<Candidate> kept = candidates;
        if (!blacklist.IsEmpty)
        {
            kept = kept.Where(c => !blacklist.IsBlacklisted(c.Text));
        }

        return kept.OrderBy(static c => c.Features.Tier).ThenByDescending(static c => c.Score).Take(limit).ToList();
    }

    /// <summary>Whether the serving-time blacklist removes <paramref name="text"/>.</summary>
    public bool IsBlacklisted(string text) => _blacklist.IsBlacklisted(text);

    public void Dispose() => _subscription?.Dispose();

    private static QueryBlacklist? Build(RerankOptions options)
        => QueryBlacklist.TryParse(options.Blacklist, out var blacklist, out _) ? blacklist : null;
}
