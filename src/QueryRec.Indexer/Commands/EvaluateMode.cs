namespace QueryRec.Indexer.Commands;

/// <summary>What <c>evaluate</c> replays.</summary>
internal enum EvaluateMode
{
    /// <summary>Static MPC only: the index frozen at the split.</summary>
    Static,

    /// <summary>Static and streaming MPC, both offline (no service).</summary>
    Offline,

    /// <summary>Both MPCs plus the heuristic (and, with a model, the learned ranker) streamed through the in-process service.</summary>
    All,
}
