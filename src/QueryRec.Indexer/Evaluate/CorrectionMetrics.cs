namespace QueryRec.Indexer.Evaluate;

/// <summary>
/// Correct scored on one group of cases: precision = right corrections / corrections answered, recall = right
/// corrections / cases; a correction is right when it is the intended query (normalized, or the same near-duplicate).
/// </summary>
internal sealed class CorrectionMetrics(string name)
{
    public string Name { get; } = name;

    public int Cases { get; private set; }

    public int Answered { get; private set; }

    public int Right { get; private set; }

    public int Rewrites { get; private set; }

    public int RightRewrites { get; private set; }

    public double Precision => Answered == 0 ? 0 : (double)Right / Answered;

    public double Recall => Cases == 0 ? 0 : (double)Right / Cases;

    /// <summary>Precision of the automatic rewrites alone.</summary>
    public double RewritePrecision => Rewrites == 0 ? 0 : (double)RightRewrites / Rewrites;

    public void Add(bool answered, bool right, bool rewrite)
    {
        Cases++;
        Answered += answered ? 1 : 0;
        Right += right ? 1 : 0;
        Rewrites += rewrite ? 1 : 0;
        RightRewrites += rewrite && right ? 1 : 0;
    }
}

/// <summary>The ALTERNATIVES section scored on zero-result cases: the intended query among the first 3 and 10 shown.</summary>
internal sealed class RescueMetrics(string name)
{
    public string Name { get; } = name;

    public int Cases { get; private set; }

    public int Hits3 { get; private set; }

    public int Hits10 { get; private set; }

    public int Empty { get; private set; }

    public double HitRate3 => Cases == 0 ? 0 : (double)Hits3 / Cases;

    public double HitRate10 => Cases == 0 ? 0 : (double)Hits10 / Cases;

    public void Add(int rank, bool empty)
    {
        Cases++;
        Hits3 += rank is >= 0 and < 3 ? 1 : 0;
        Hits10 += rank is >= 0 and < 10 ? 1 : 0;
        Empty += empty ? 1 : 0;
    }
}
