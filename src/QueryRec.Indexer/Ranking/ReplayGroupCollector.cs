using System.Collections.Concurrent;
using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Indexer.Import;
using QueryRec.Serving.Ranking;

namespace QueryRec.Indexer.Ranking;

/// <summary>
/// Turns a replay through the real service into learning-to-rank groups (feature logging at serving): registered as
/// the service's <see cref="IRankingFeatureLog"/>, it receives the candidates and feature rows of every Suggest call;
/// the replay's callback (<see cref="OnSuggestAsync"/>) pairs each answer with its record by request id and labels it
/// by the query the user actually searched: 1 for the candidate equal to it or to its near-duplicate key
/// (<see cref="Key"/>, the form the service collapses), 0 for the others. A group whose candidates do
/// not contain the query teaches nothing and is dropped (counted). Groups are numbered in replay order, so the same
/// replay gives the same rows.
/// </summary>
internal sealed class ReplayGroupCollector : IRankingFeatureLog
{
    /// <summary>The most candidates kept per group (the service's ordered list is cut here; a positive beyond it drops the group).</summary>
    public const int MaxCandidatesPerGroup = 200;

    /// <summary>The list depth of the served MRR (evaluate's).</summary>
    private const int ServedDepth = 10;

    /// <summary>Records received but not yet paired (one per Suggest in flight; bounded by this).</summary>
    private const int MaxPending = 10_000;

    private readonly ConcurrentDictionary<string, RankingFeatureRecord> _pending = new(StringComparer.Ordinal);
    private readonly List<LtrRow> _rows = [];
    private readonly int _maxRows;
    private uint _nextGroup;

    /// <summary>Creates a collector that stops adding groups once <paramref name="maxRows"/> rows are held.</summary>
    public ReplayGroupCollector(int maxRows) => _maxRows = maxRows;

    /// <summary>
    /// The collapse key of a text: the replayed index's (its spacing folds, <see cref="Evaluate.EvalNearKeys"/>), so that
    /// a label's positive is what evaluate's hit rule counts; the text-only key until an index is known.
    /// </summary>
    public Func<string, string> Key { get; set; } = NearDuplicates.Key;

    /// <summary>The rows collected, groups contiguous, in replay order.</summary>
    public IReadOnlyList<LtrRow> Rows => _rows;

    /// <summary>Groups kept (exactly one positive each).</summary>
    public int Groups => (int)_nextGroup;

    /// <summary>Suggest answers whose candidates did not contain the searched query (dropped).</summary>
    public int WithoutPositive { get; private set; }

    /// <summary>Answers without a feature record (should stay 0).</summary>
    public int Unpaired { get; private set; }

    /// <summary>Groups not kept because the row budget was spent.</summary>
    public int OverBudget { get; private set; }

    /// <summary>Suggest answers seen (paired or not).</summary>
    public int Answers { get; private set; }

    /// <summary>
    /// Sum over every answer of 1 / (1-based rank of the searched query in the first 10 texts the service answered),
    /// 0 when absent, with <c>evaluate</c>'s hit rule (the same <see cref="Key"/>): divided by
    /// <see cref="Answers"/>, it is the MRR@10 <c>evaluate</c> reports for the same replay. Read from the answer
    /// itself: the log takes the list after rerank and collapse, which is the shown order except when a category
    /// filter in filter mode shows the matching candidates first.
    /// </summary>
    public double ServedReciprocalRankSum { get; private set; }

    /// <inheritdoc />
    public void Record(RankingFeatureRecord record)
    {
        if (_pending.Count < MaxPending)
        {
            _pending[record.RequestId] = record;
        }
    }

    /// <summary>The replay callback: labels the record of <paramref name="response"/> by <paramref name="query"/>.</summary>
    public ValueTask OnSuggestAsync(LogEvent searchEvent, string query, int prefixLength, SuggestResponse response)
    {
        var key = Key(query);
        Answers++;
        for (var i = 0; i < Math.Min(response.Items.Count, ServedDepth); i++)
        {
            if (string.Equals(Key(response.Items[i].Text), key, StringComparison.Ordinal))
            {
                ServedReciprocalRankSum += 1.0 / (i + 1);
                break;
            }
        }

        if (!_pending.TryRemove(response.Metadata.RequestId, out var record))
        {
            Unpaired++;
            return ValueTask.CompletedTask;
        }

        var count = Math.Min(record.Candidates.Count, MaxCandidatesPerGroup);
        var positive = -1;
        for (var i = 0; i < count; i++)
        {
            var text = record.Candidates[i].Text;
            if (string.Equals(text, query, StringComparison.Ordinal) || string.Equals(Key(text), key, StringComparison.Ordinal))
            {
                positive = i;
                break;
            }
        }

        if (positive < 0)
        {
            WithoutPositive++;
            return ValueTask.CompletedTask;
        }

        if (_rows.Count + count > _maxRows)
        {
            OverBudget++;
            return ValueTask.CompletedTask;
        }

        var group = _nextGroup++;
        for (var i = 0; i < count; i++)
        {
            _rows.Add(new LtrRow(group, i == positive ? 1 : 0, record.Candidates[i].Features));
        }

        return ValueTask.CompletedTask;
    }
}
