namespace QueryRec.Serving.Ranking;

/// <summary>
/// The held-out comparison <c>indexer train --events</c> records in the model card (<c>guard</c>): the new model and
/// the heuristic replayed through the serving pipeline on the window after the training replay, in both real-time
/// states and on the own-last-query rows. <c>build --model</c> and <c>publish-model</c> refuse a model whose
/// <see cref="Passed"/> is false unless forced.
/// </summary>
internal sealed record ModelGuard
{
    /// <summary>Start of the held-out window (the index it was replayed on is built from the events before it).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>End of the held-out window (exclusive).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Test searches in the window.</summary>
    public long? Searches { get; init; }

    /// <summary>Those that repeat the user's own search of the last 24 h.</summary>
    public long? OwnLastQuerySearches { get; init; }

    /// <summary>How far below the heuristic (MRR@10) the model may be and still pass.</summary>
    public double? Tolerance { get; init; }

    /// <summary>The heuristic's MRR@10 by figure: <c>cold</c>, <c>streaming</c>, <c>own_last_query</c> (when there are such rows).</summary>
    public IReadOnlyDictionary<string, double>? Heuristic { get; init; }

    /// <summary>The model's MRR@10 by the same figures.</summary>
    public IReadOnlyDictionary<string, double>? Learned { get; init; }

    /// <summary>Each figure the model loses, with both values; empty when it passes.</summary>
    public IReadOnlyList<string>? Losses { get; init; }

    /// <summary>True when the model is nowhere below the heuristic by more than <see cref="Tolerance"/>.</summary>
    public bool? Passed { get; init; }
}
