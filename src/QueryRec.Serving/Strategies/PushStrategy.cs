namespace QueryRec.Serving.Strategies;

/// <summary>
/// A GetPushQueries strategy: the subject's own plan (interests, refinements, click-back, trending in their
/// categories), then the hot fallback plan that fills what it left, both ending with the push rules.
/// </summary>
internal sealed class PushStrategy(string name, RecallPlan personal, RecallPlan fallback) : IStrategy
{
    public string Name { get; } = name;

    public RecallPlan Personal { get; } = personal;

    public RecallPlan Fallback { get; } = fallback;
}
