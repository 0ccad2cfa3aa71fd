using QueryRec.Indexer.Build;

namespace QueryRec.Indexer.Commands;

/// <summary>The index <c>evaluate</c> built from the events before the split.</summary>
/// <param name="Result">The index and its build summary.</param>
/// <param name="EventsBeforeSplit">Events it was built from.</param>
/// <param name="RepeatedSearches">Search rows of the whole log dropped as repeats (<see cref="Replay.ReplayLog.WithoutRepeatedSearches"/>).</param>
internal sealed record BuiltIndex(BuildResult Result, long EventsBeforeSplit, long RepeatedSearches);
