using Microsoft.Extensions.Options;
using QueryRec.Core.Hygiene;

namespace QueryRec.Serving.Rerank;

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
