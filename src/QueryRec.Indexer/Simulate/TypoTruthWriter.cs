using System.Globalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Simulate;

/// <summary>
/// The simulator's ground truth of its typos (<c>simulate --truth FILE</c>): one line per misspelt search that the
/// user corrected (<see cref="SearchRole.Typo"/> followed in the same intent by <see cref="SearchRole.Correction"/>),
/// <c>time&lt;TAB&gt;user&lt;TAB&gt;typed&lt;TAB&gt;intended&lt;TAB&gt;results</c>, time in ISO 8601 UTC. What
/// <c>evaluate --correction --truth</c> scores Correct and the ALTERNATIVES section against.
/// </summary>
internal sealed class TypoTruthWriter(TextWriter output)
{
    /// <summary>A correction follows its typo within seconds; older pending typos were never corrected.</summary>
    private static readonly long StaleMs = 60_000;

    private const int PurgeAbove = 10_000;

    private readonly Dictionary<long, (int Intent, LogEvent Typo)> _pending = [];

    public long Written { get; private set; }

    public static string Header => "# time\tuser\ttyped\tintended\tresults";

    public void Observe(SimulatedEvent e)
    {
        if (e.Role == SearchRole.Typo)
        {
            _pending[e.Session] = (e.Intent, e.Event);
            if (_pending.Count > PurgeAbove)
            {
                Purge(e.Event.Time);
            }
        }
        else if (e.Role == SearchRole.Correction && _pending.Remove(e.Session, out var typo) && typo.Intent == e.Intent)
        {
            output.Write(string.Join('\t',
                typo.Typo.Time.ToString("O", CultureInfo.InvariantCulture),
                typo.Typo.UserId,
                typo.Typo.Query,
                e.Event.Query,
                typo.Typo.ResultCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty));
            output.Write('\n');
            Written++;
        }
    }

    private void Purge(DateTimeOffset now)
    {
        foreach (var (session, (_, typo)) in _pending.ToList())
        {
            if ((now - typo.Time).TotalMilliseconds > StaleMs)
            {
                _pending.Remove(session);
            }
        }
    }
}
