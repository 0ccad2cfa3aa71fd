using System.Globalization;
using System.Text;

namespace QueryRec.Core;

/// <summary>
/// Checks that the process can normalize text the way the index was built: .NET must run with ICU, not in
/// invariant globalization mode (see docs/matching.md, "Globalization/ICU").
/// </summary>
public static class TextEnvironment
{
    /// <summary>Full-width Latin, a ligature, a CJK compatibility ideograph and a Roman numeral.</summary>
    internal const string Probe = "ＡＢ１ﬁ\uF900Ⅳ";

    /// <summary>What NFKC must turn <see cref="Probe"/> into.</summary>
    internal const string ProbeNfkc = "AB1fi\u8C48IV";

    private static readonly Lazy<string?> LazyProblem = new(
        static () => Problem(InvariantModeConfigured(), NormalizeProbe()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> with instructions when invariant globalization is on or
    /// ICU normalization does not work. Cheap after the first call.
    /// </summary>
    public static void EnsureIcu()
    {
        if (LazyProblem.Value is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>The reason text handling is broken, or null when it is fine.</summary>
    /// <param name="invariantMode">Invariant globalization is configured (runtimeconfig or environment).</param>
    /// <param name="nfkcOfProbe">NFKC of <see cref="Probe"/> as this process computes it, or null when it threw.</param>
    internal static string? Problem(bool invariantMode, string? nfkcOfProbe)
    {
        const string Fix = "QueryRec needs ICU: install libicu in the image (not a globalization-invariant image), leave "
            + "InvariantGlobalization false and do not set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT.";
        if (invariantMode)
        {
            return "Globalization invariant mode is on, so queries would not normalize like the index. " + Fix;
        }

        return nfkcOfProbe == ProbeNfkc
            ? null
            : $"Unicode NFKC normalization does not work (probe gave \"{nfkcOfProbe ?? "an exception"}\"). " + Fix;
    }

    private static bool InvariantModeConfigured()
    {
        if (AppContext.TryGetSwitch("System.Globalization.Invariant", out var on) && on)
        {
            return true;
        }

        var variable = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT");
        return variable is not null && (variable == "1" || variable.Equals("true", StringComparison.OrdinalIgnoreCase));
    }

    private static string? NormalizeProbe()
    {
        try
        {
            return Probe.Normalize(NormalizationForm.FormKC);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or ArgumentException or CultureNotFoundException)
        {
            return null;
        }
    }
}
