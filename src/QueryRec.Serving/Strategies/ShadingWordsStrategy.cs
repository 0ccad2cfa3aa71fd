namespace QueryRec.Serving.Strategies;

/// <summary>A GetShadingWords strategy: one plan whose steps end with fatigue, rotation and limit.</summary>
internal sealed class ShadingWordsStrategy(string name, RecallPlan plan) : IStrategy
{
    public string Name { get; } = name;

    public RecallPlan Plan { get; } = plan;
}
