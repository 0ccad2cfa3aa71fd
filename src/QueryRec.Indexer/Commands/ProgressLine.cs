using System.Globalization;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The progress of one long stage of a command, written to standard error so that the tables and any JSON on standard
/// output stay clean: one line every <see cref="Interval"/> while the stage runs ("done / total unit (share), rate,
/// elapsed, time left" when the stage counts its work, else the elapsed time), and a closing line when it ends. A stage
/// shorter than one interval writes nothing, so quick runs and tests stay quiet. Plain lines rather than a redrawn bar:
/// they read the same in a terminal, a log file and a CI job.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    /// <summary>The time between two lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly string _stage;
    private readonly long _total;
    private readonly string _unit;
    private readonly long _started;
    private readonly ITimer _timer;
    private long _done;
    private bool _wrote;
    private bool _disposed;

    /// <param name="writer">Standard error.</param>
    /// <param name="time">The clock of the lines.</param>
    /// <param name="stage">What runs, e.g. "evaluate: heuristic (cold)".</param>
    /// <param name="total">The units of work of the stage; 0 when it does not know them (with a unit: counted as they come).</param>
    /// <param name="unit">The name of a unit of work, plural ("test searches").</param>
    public ProgressLine(TextWriter writer, TimeProvider time, string stage, long total = 0, string unit = "")
    {
        _writer = writer;
        _time = time;
        _stage = stage;
        _total = Math.Max(0, total);
        _unit = unit;
        _started = time.GetTimestamp();
        _timer = time.CreateTimer(static state => ((ProgressLine)state!).Tick(), this, Interval, Interval);
    }

    /// <summary>Counts <paramref name="units"/> more units done (any thread).</summary>
    public void Add(long units = 1) => Interlocked.Add(ref _done, units);

    /// <summary>Stops the lines; writes the closing one when any was written.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            if (!_disposed && _wrote)
            {
                _writer.WriteLine(Describe(final: true));
            }

            _disposed = true;
        }
    }

    /// <summary>The line for the current state.</summary>
    internal string Describe(bool final)
    {
        var elapsed = _time.GetElapsedTime(_started);
        var done = Interlocked.Read(ref _done);
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        var rate = done / seconds;
        if (final)
        {
            return _total > 0 || _unit.Length > 0
                ? $"{_stage}: {N(done)} {_unit} in {S(elapsed)} ({N((long)rate)}/s)"
                : $"{_stage}: done in {S(elapsed)}";
        }

        // A stream of unknown length (a unit, no total): what is done so far and the rate.
        if (_total == 0)
        {
            return _unit.Length > 0
                ? $"{_stage}: {N(done)} {_unit}, {N((long)rate)}/s, {S(elapsed)} elapsed"
                : $"{_stage}: {S(elapsed)} elapsed";
        }

        var share = (double)done / _total;
        var left = rate > 0 ? $", ~{S(TimeSpan.FromSeconds(Math.Max(0, _total - done) / rate))} left" : string.Empty;
        return $"{_stage}: {N(done)} / {N(_total)} {_unit} ({share.ToString("P1", CultureInfo.InvariantCulture)}), {N((long)rate)}/s, {S(elapsed)} elapsed{left}";
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _writer.WriteLine(Describe(final: false));
            _wrote = true;
        }
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string S(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
