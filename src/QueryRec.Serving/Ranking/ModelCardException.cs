namespace QueryRec.Serving.Ranking;

/// <summary>A model card that cannot be read; <see cref="Problem"/> says why, so that each reader words its own error.</summary>
internal sealed class ModelCardException(ModelCardProblem problem, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>Why the card cannot be read.</summary>
    public ModelCardProblem Problem { get; } = problem;
}
