using QueryRec.Serving.Pipeline;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// The arms of one caller and the options they make effective: the base configuration with the arms' overrides
/// bound on top and validated by the options' own validators. A section no arm overrides is null (the handler uses
/// its usual options). Built once per (configuration generation, arm set) and shared by requests.
/// </summary>
internal sealed class ExperimentAssignment
{
    /// <summary>No arm (no id, no experiments, or the remainder of every layer).</summary>
    public static readonly ExperimentAssignment None = new([], null, null, null, null, null, null, null);

    public ExperimentAssignment(
        IReadOnlyList<(string Layer, string Arm)> arms,
        SuggestOptions? suggest,
        MatchingOptions? matching,
        HeuristicRankingOptions? heuristic,
        StrategyOptions? strategies,
        bool? rankingEnabled,
        string? modelId,
        string? invalidReason)
    {
        Arms = arms;
        Tag = string.Join(',', arms.Select(static a => a.Layer + ":" + a.Arm));
        Suggest = suggest;
        Matching = matching;
        Heuristic = heuristic;
        Strategies = strategies;
        RankingEnabled = rankingEnabled;
        ModelId = modelId;
        InvalidReason = invalidReason;
    }

    /// <summary>(layer, arm) per layer that assigned one, in layer order.</summary>
    public IReadOnlyList<(string Layer, string Arm)> Arms { get; }

    /// <summary>The span and metric tag: <c>layer:arm,layer:arm</c> (empty when no arm).</summary>
    public string Tag { get; }

    public SuggestOptions? Suggest { get; }

    public MatchingOptions? Matching { get; }

    public HeuristicRankingOptions? Heuristic { get; }

    public StrategyOptions? Strategies { get; }

    /// <summary>False: the heuristic ranks (not degraded); null: the default.</summary>
    public bool? RankingEnabled { get; }

    /// <summary>The published model id the arms rank with, or null for the default model.</summary>
    public string? ModelId { get; }

    /// <summary>
    /// Set when this combination of arms (each valid alone) fails the options validators together: the base options
    /// serve and answers are degraded with this reason.
    /// </summary>
    public string? InvalidReason { get; }

    /// <summary>Adds the arms to a response's metadata (<c>experiment_arms</c>), and the invalid-combination reason.</summary>
    public void Stamp(ResponseMetadata metadata)
    {
        foreach (var (layer, arm) in Arms)
        {
            metadata.ExperimentArms.Add(new QueryRec.Contracts.V1.ExperimentArm { Layer = layer, Arm = arm });
        }

        if (InvalidReason is not null)
        {
            Degraded.Mark(metadata, InvalidReason);
        }
    }
}

/// <summary>Binds and validates the effective options of a set of overrides over the base configuration.</summary>
internal sealed class ExperimentOptionsBinder(
    IConfiguration configuration,
    IEnumerable<IValidateOptions<SuggestOptions>> suggestValidators,
    IEnumerable<IValidateOptions<MatchingOptions>> matchingValidators,
    IEnumerable<IValidateOptions<HeuristicRankingOptions>> heuristicValidators,
    IEnumerable<IValidateOptions<StrategyOptions>> strategyValidators)
{
    /// <summary>
    /// The assignment of <paramref name="arms"/> with their merged <paramref name="overrides"/> (keys relative to
    /// <c>QueryRec</c>); <paramref name="errors"/> gets why the overrides do not bind or validate.
    /// </summary>
    public ExperimentAssignment Bind(IReadOnlyList<(string Layer, string Arm)> arms, IReadOnlyDictionary<string, string> overrides, List<string> errors)
    {
        if (overrides.Count == 0)
        {
            return new ExperimentAssignment(arms, null, null, null, null, null, null, null);
        }

        const string Root = "QueryRec";
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (prefix, _) in ExperimentKeys.Sections)
        {
            if (overrides.Keys.Any(k => ExperimentKeys.SectionOf(k)?.Prefix == prefix))
            {
                foreach (var (key, value) in configuration.GetSection(Root + ":" + prefix).AsEnumerable())
                {
                    values[key] = value;
                }
            }
        }

        foreach (var (key, value) in overrides)
        {
            values[Root + ":" + key] = value;
        }

        var merged = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var suggest = BindSection(merged, overrides, "Suggest", SuggestOptions.Section, suggestValidators, errors);
        var matching = BindSection(merged, overrides, "Suggest:Matching", MatchingOptions.Section, matchingValidators, errors);
        var heuristic = BindSection(merged, overrides, "Ranking:Heuristic", HeuristicRankingOptions.Section, heuristicValidators, errors);
        var strategies = BindSection(merged, overrides, "Strategies", StrategyOptions.Section, strategyValidators, errors);
        bool? enabled = overrides.TryGetValue(ExperimentKeys.RankingEnabled, out var e) ? bool.Parse(e) : null;
        var modelId = overrides.TryGetValue(ExperimentKeys.RankingModelId, out var m) ? m : null;
        return new ExperimentAssignment(arms, suggest, matching, heuristic, strategies, enabled, modelId, null);
    }

    private static T? BindSection<T>(
        IConfiguration merged, IReadOnlyDictionary<string, string> overrides, string prefix, string section, IEnumerable<IValidateOptions<T>> validators, List<string> errors)
        where T : class, new()
    {
        if (!overrides.Keys.Any(k => ExperimentKeys.SectionOf(k)?.Prefix == prefix))
        {
            return null;
        }

        var options = new T();
        try
        {
            merged.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            errors.Add($"{section}: {ex.Message}");
            return null;
        }

        foreach (var validator in validators)
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                errors.Add($"{section}: {result.FailureMessage}");
            }
        }

        return options;
    }
}
