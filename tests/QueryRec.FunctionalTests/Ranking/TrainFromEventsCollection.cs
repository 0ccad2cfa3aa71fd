namespace QueryRec.FunctionalTests.Ranking;

/// <summary>The training-replay tests, run after the parallel classes and alone (see <see cref="TrainFromEventsTests"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainFromEventsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "train from events (alone)";
}
