using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Ranking;

/// <summary>Source-generated DataAnnotations validation of <see cref="RankingModelOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RankingModelOptionsValidator : IValidateOptions<RankingModelOptions>;
