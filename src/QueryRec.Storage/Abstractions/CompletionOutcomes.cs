using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The business outcomes a <see cref="Completion"/> carries for the learned ranker (docs/data-formats.md): CTR and
/// CVR in basis points, GMV in whole currency units. Integers keep the packed nodes small (a varint of 1–2 bytes per
/// rate, nothing when 0); the exact figures stay in the query's <see cref="QueryStats"/>.
/// </summary>
public static class CompletionOutcomes
{
    /// <summary>Basis points per unit rate.</summary>
    public const int Scale = 10_000;

    /// <summary>A rate in basis points, rounded, clamped to [0, <see cref="Scale"/>] (NaN: 0).</summary>
    public static uint BasisPoints(double rate)
        => double.IsNaN(rate) ? 0 : (uint)Math.Round(Math.Clamp(rate, 0, 1) * Scale, MidpointRounding.AwayFromZero);

    /// <summary>An amount rounded to whole units, clamped to [0, 10^15] (NaN: 0).</summary>
    public static ulong WholeUnits(double amount)
        => double.IsNaN(amount) ? 0 : (ulong)Math.Round(Math.Clamp(amount, 0, 1e15), MidpointRounding.AwayFromZero);

    /// <summary>The completion's click-through rate, in [0, 1].</summary>
    public static double Ctr(Completion completion) => Rate(completion.CtrBp);

    /// <summary>The completion's conversion rate, in [0, 1].</summary>
    public static double Cvr(Completion completion) => Rate(completion.CvrBp);

    private static double Rate(uint basisPoints) => Math.Min(basisPoints, (uint)Scale) / (double)Scale;
}
