using Microsoft.Extensions.Options;
using QueryRec.Storage.Realtime;
namespace QueryRec.Serving.Events;

/// <summary>Source-generated DataAnnotations validation of <see cref="RealtimeOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RealtimeOptionsValidator : IValidateOptions<RealtimeOptions>;

/// <summary>Cross-field rules of <see cref="RealtimeOptions"/>.</summary>
internal sealed class RealtimeOptionsRules : IValidateOptions<RealtimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeOptions options)
        => options.TrendingWindow < options.TrendingBucket
            ? ValidateOptionsResult.Fail($"{RealtimeOptions.Section}:TrendingWindow ({options.TrendingWindow}) must be at least one TrendingBucket ({options.TrendingBucket}).")
            : ValidateOptionsResult.Success;
}
