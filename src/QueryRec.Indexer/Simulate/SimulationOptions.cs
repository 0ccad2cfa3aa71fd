namespace QueryRec.Indexer.Simulate;

/// <summary>Options of <see cref="LogSimulator"/> (the <c>simulate</c> command's flags; see docs/simulator.md).</summary>
public sealed record SimulationOptions
{
    /// <summary>The random seed; the same seed and options give the same bytes.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Number of users (ignored when <see cref="TargetEvents"/> is set).</summary>
    public int Users { get; init; } = 500;

    /// <summary>A target number of events: the number of users is derived from it (the result is within a few per cent).</summary>
    public long? TargetEvents { get; init; }

    /// <summary>Number of days the log covers.</summary>
    public int Days { get; init; } = 7;

    /// <summary>Mean number of sessions per user over the whole period (Poisson).</summary>
    public double SessionsPerUser { get; init; } = 4;

    /// <summary>Mean number of search intents per session (1 + Poisson(mean - 1)).</summary>
    public double SearchesPerSession { get; init; } = 2.5;

    /// <summary>The first day of the log (UTC midnight). Fixed so that the output does not depend on the clock.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The Zipf exponent of query popularity (weight of rank r is 1 / r^s).</summary>
    public double Zipf { get; init; } = 1.0;

    /// <summary>Whether typed fragments (keystroke prefixes of the next query) are logged as searches.</summary>
    public bool Fragments { get; init; } = true;

    /// <summary>Probability that an intent's first search is preceded by typed fragments.</summary>
    public double FragmentRate { get; init; } = 0.25;

    /// <summary>Probability that an intent's first search is misspelt.</summary>
    public double TypoRate { get; init; } = 0.08;

    /// <summary>Probability that a misspelt search is followed by the corrected query.</summary>
    public double TypoCorrectionRate { get; init; } = 0.7;

    /// <summary>Probability that a query with reformulations (synonym, language, word order) is followed by one.</summary>
    public double ReformulationRate { get; init; } = 0.12;

    /// <summary>Probability that a query with narrower queries is followed by one (a refinement).</summary>
    public double RefinementRate { get; init; } = 0.2;

    /// <summary>Probability that a final query gets clicks.</summary>
    public double ClickRate { get; init; } = 0.65;

    /// <summary>Probability that a click lands on an item of another category (noise).</summary>
    public double ClickNoise { get; init; } = 0.02;

    /// <summary>Probability that a clicked item is added to the cart.</summary>
    public double CartRate { get; init; } = 0.25;

    /// <summary>Probability that a carted item is ordered.</summary>
    public double OrderRate { get; init; } = 0.45;

    /// <summary>Share of users who are anonymous (a device id instead of a user id).</summary>
    public double AnonymousRate { get; init; } = 0.15;

    /// <summary>Number of new-release queries that burst during the last <see cref="TrendDays"/>.</summary>
    public int Trending { get; init; } = 3;

    /// <summary>Length of the trending window at the end of the log, in days.</summary>
    public int TrendDays { get; init; } = 1;

    /// <summary>Share of intents that go to a trending query inside the window (outside: 1/50 of it).</summary>
    public double TrendShare { get; init; } = 0.06;

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Range(string name, double value, double min, double max)
        {
            if (double.IsNaN(value) || value < min || value > max)
            {
                problems.Add($"{name} must be between {min} and {max} (got {value}).");
            }
        }

        Range("--users", Users, 1, 50_000_000);
        Range("--days", Days, 1, 3650);
        Range("--sessions-per-user", SessionsPerUser, 0.01, 1000);
        Range("--searches-per-session", SearchesPerSession, 1, 50);
        Range("--zipf", Zipf, 0.1, 3);
        Range("--fragment-rate", FragmentRate, 0, 1);
        Range("--typo-rate", TypoRate, 0, 1);
        Range("--typo-correction-rate", TypoCorrectionRate, 0, 1);
        Range("--reformulation-rate", ReformulationRate, 0, 1);
        Range("--refinement-rate", RefinementRate, 0, 1);
        Range("--click-rate", ClickRate, 0, 1);
        Range("--click-noise", ClickNoise, 0, 1);
        Range("--cart-rate", CartRate, 0, 1);
        Range("--order-rate", OrderRate, 0, 1);
        Range("--anonymous-rate", AnonymousRate, 0, 1);
        Range("--trending", Trending, 0, 20);
        Range("--trend-days", TrendDays, 1, Math.Max(1, Days));
        Range("--trend-share", TrendShare, 0, 0.5);
        if (TargetEvents is { } n)
        {
            Range("--events", n, 100, 10_000_000_000);
        }

        if (Start.Offset != TimeSpan.Zero || Start.TimeOfDay != TimeSpan.Zero)
        {
            problems.Add($"--start must be a UTC date (got {Start:O}).");
        }

        return problems;
    }
}
