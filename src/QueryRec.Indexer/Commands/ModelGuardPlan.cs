using QueryRec.Indexer.Import;
using QueryRec.Indexer.Ranking;

namespace QueryRec.Indexer.Commands;

/// <summary>What the guard of <c>train --events</c> replays once the model is trained.</summary>
/// <param name="Events">The log, sorted, repeated searches dropped, nothing at or after <c>--until</c>.</param>
/// <param name="Options">The held-out window and the replay's settings.</param>
internal sealed record ModelGuardPlan(List<LogEvent> Events, ModelGuardOptions Options);
