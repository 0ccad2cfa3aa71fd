using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
namespace QueryRec.Serving.Recall;

/// <summary>Pinyin, infix and typo-tolerant matching of Suggest. Section <c>QueryRec:Suggest:Matching</c>.</summary>
public sealed class MatchingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Suggest:Matching";

    /// <summary>Pinyin recall: full pinyin, initials and mixed hanzi+pinyin input, and homophone correction.</summary>
    public bool Pinyin { get; set; } = true;

    /// <summary>Word-start infix recall ("dress" finds "red dress") and its any-order fallback.</summary>
    public bool Infix { get; set; } = true;

    /// <summary>Typo-tolerant recall over the version's vocabulary.</summary>
    public bool Fuzzy { get; set; } = true;

    /// <summary>Shortest input, in characters (runes), that typo tolerance corrects (with one edit).</summary>
    [Range(1, 64)]
    public int FuzzyMinLength { get; set; } = 4;

    /// <summary>Shortest input, in characters (runes), that may be two edits away from what it matches.</summary>
    [Range(1, 64)]
    public int FuzzyTwoEditsLength { get; set; } = 8;

    /// <summary>How many vocabulary texts (most popular first) the typo-tolerant matcher holds at most.</summary>
    [Range(1, 10_000_000)]
    public int MaxFuzzyVocabulary { get; set; } = 500_000;

    /// <summary>How many matched vocabulary prefixes (nearest, then most popular) are read per request.</summary>
    [Range(1, 64)]
    public int MaxFuzzyPrefixes { get; set; } = 4;

    /// <summary>How many pinyin readings of the hanzi head of a mixed input (or of a homophone input) are looked up.</summary>
    [Range(1, 16)]
    public int MaxLookupVariants { get; set; } = 4;

    /// <summary>
    /// What a mixed input's match from the prefix table is weighed by per hanzi it reads by a reading other than the
    /// first ("海shi" matching 海斯, 斯 read shi), as the indexer's <c>--pinyin-secondary-weight</c> weighs the pinyin tables;
    /// 0 drops such matches. Only for index versions that do not record that weight (built before it was recorded):
    /// a version that does is served with its own.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MixedSecondaryReadingWeight { get; set; } = 0.05;

    /// <summary>How many split points of an all-hanzi input the any-order infix fallback tries.</summary>
    [Range(1, 8)]
    public int MaxAnyOrderSplits { get; set; } = 3;

    /// <summary>
    /// How many times the popularity of the most popular literal prefix match a pinyin-only reading of the same input
    /// needs to stay level with the literal matches; a rarer reading ranks after them (still above infix and fuzzy).
    /// A typed "abc" is far more often meant literally than as the initials of a rare Chinese query. 0 turns it off.
    /// </summary>
    [Range(0, 1_000_000)]
    public double PinyinOverLiteralRatio { get; set; } = 10;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="MatchingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class MatchingOptionsValidator : IValidateOptions<MatchingOptions>;

/// <summary>Cross-field rules of <see cref="MatchingOptions"/>.</summary>
internal sealed class MatchingOptionsRules : IValidateOptions<MatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, MatchingOptions options)
        => options.FuzzyTwoEditsLength < options.FuzzyMinLength
            ? ValidateOptionsResult.Fail($"{MatchingOptions.Section}:FuzzyTwoEditsLength ({options.FuzzyTwoEditsLength}) must be at least FuzzyMinLength ({options.FuzzyMinLength}).")
            : ValidateOptionsResult.Success;
}
