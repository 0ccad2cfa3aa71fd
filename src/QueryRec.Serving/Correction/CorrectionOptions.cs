using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Correction;

/// <summary>Query correction ("did you mean") and the zero-result alternatives. Section <c>QueryRec:Correction</c>.</summary>
public sealed class CorrectionOptions
{
    public const string Section = "QueryRec:Correction";

    /// <summary>A query searched at least this many times (its index statistics) is popular: never corrected.</summary>
    [Range(1, long.MaxValue)]
    public long PopularCount { get; set; } = 50;

    /// <summary>A correction must have been searched at least this many times as often as the query it corrects.</summary>
    [Range(1.0, 1_000_000.0)]
    public double PopularityRatio { get; set; } = 5;

    /// <summary>Most typo edits between a query and its correction (the length rule of <c>QueryEdits.TypoBudget</c> also applies).</summary>
    [Range(1, 2)]
    public int MaxEditDistance { get; set; } = 2;

    /// <summary>Most hanzi a homophone correction writes differently.</summary>
    [Range(1, 8)]
    public int MaxReadingDistance { get; set; } = 2;

    /// <summary>A correction less certain than this is not returned.</summary>
    [Range(0.0, 1.0)]
    public double MinConfidence { get; set; } = 0.6;

    /// <summary>A correction at least this certain is to be applied automatically (REWRITE); below, only offered.</summary>
    [Range(0.0, 1.0)]
    public double RewriteConfidence { get; set; } = 0.9;

    /// <summary>The same, for a query whose search is known to have found nothing.</summary>
    [Range(0.0, 1.0)]
    public double ZeroResultRewriteConfidence { get; set; } = 0.75;

    /// <summary>How many vocabulary texts near the query the typo matcher checks.</summary>
    [Range(1, 64)]
    public int MaxTypoCandidates { get; set; } = 8;

    /// <summary>How many spelling variants (spaces added or removed) are looked up.</summary>
    [Range(1, 64)]
    public int MaxSpacingVariants { get; set; } = 16;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="CorrectionOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class CorrectionOptionsValidator : IValidateOptions<CorrectionOptions>;
