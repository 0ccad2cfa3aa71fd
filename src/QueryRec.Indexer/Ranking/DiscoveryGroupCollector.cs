using System.Collections.Concurrent;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Ranking;

namespace QueryRec.Indexer.Ranking;

/// <summary>
/// Turns a replay through the real service into Discover training groups: registered as its
/// <see cref="IDiscoveryFeatureLog"/>, it receives the rows of every RELATED and REFINE section; the replay's callback
/// (<see cref="OnDiscover"/>) pairs each answer with its sections' records by request id and labels each section's
/// candidates by the query the user searched next: 1 for the candidate equal to it, 0 for the others. A section without
/// it teaches nothing and is dropped (counted). Groups are numbered in replay order.
/// </summary>
internal sealed class DiscoveryGroupCollector(int maxRows) : IDiscoveryFeatureLog
{
    /// <summary>The most candidates kept per group.</summary>
    public const int MaxCandidatesPerGroup = 200;

    /// <summary>Records received but not yet paired (a Discover call in flight has two; bounded by this).</summary>
    private const int MaxPending = 10_000;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<DiscoveryFeatureRecord>> _pending = new(StringComparer.Ordinal);
    private readonly List<LtrRow> _rows = [];
    private uint _nextGroup;

    /// <summary>The rows collected, groups contiguous, in replay order.</summary>
    public IReadOnlyList<LtrRow> Rows => _rows;

    /// <summary>Groups kept (exactly one positive each).</summary>
    public int Groups => (int)_nextGroup;

    /// <summary>Sections whose candidates did not hold the next query (dropped).</summary>
    public int WithoutPositive { get; private set; }

    /// <summary>Answers without any feature record (should stay 0 once the sections are non-empty).</summary>
    public int Unpaired { get; private set; }

    /// <summary>Groups not kept because the row budget was spent.</summary>
    public int OverBudget { get; private set; }

    /// <inheritdoc />
    public void Record(DiscoveryFeatureRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_pending.Count < MaxPending)
        {
            _pending.GetOrAdd(record.RequestId, static _ => new()).Enqueue(record);
        }
    }

    /// <summary>The replay callback: labels the sections of <paramref name="response"/> by <paramref name="next"/>.</summary>
    public void OnDiscover(DiscoverResponse response, string next)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!_pending.TryRemove(response.Metadata.RequestId, out var records))
        {
            if (response.Sections.Any(static s => s.Items.Count > 0))
            {
                Unpaired++;
            }

            return;
        }

        foreach (var record in records)
        {
            Add(record, next);
        }
    }

    private void Add(DiscoveryFeatureRecord record, string next)
    {
        var count = Math.Min(record.Candidates.Count, MaxCandidatesPerGroup);
        var positive = -1;
        for (var i = 0; i < count && positive < 0; i++)
        {
            positive = string.Equals(record.Candidates[i].Text, next, StringComparison.Ordinal) ? i : -1;
        }

        if (positive < 0)
        {
            WithoutPositive++;
            return;
        }

        if (_rows.Count + count > maxRows)
        {
            OverBudget++;
            return;
        }

        var group = _nextGroup++;
        for (var i = 0; i < count; i++)
        {
            _rows.Add(new LtrRow(group, i == positive ? 1 : 0, record.Candidates[i].Features));
        }
    }
}
