using QueryRec.Serving.Pipeline;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// Parses a QA override, <c>layer=arm[,layer=arm]</c> (at most <see cref="MaxLength"/> characters): honoured for layers
/// whose configuration says <c>AllowOverride</c>, ignored for the others and for unknown layers; an unknown arm of a
/// layer that allows overrides, or a malformed spec, is refused naming <c>field</c>.
/// </summary>
internal static class ForcedArms
{
    /// <summary>The longest override accepted.</summary>
    public const int MaxLength = 512;

    /// <summary>The honoured overrides (layer → arm), null when none; throws <see cref="InvalidRequestException"/> when malformed.</summary>
    public static Dictionary<string, string>? Parse(string? spec, ExperimentConfig config, string field)
    {
        if (string.IsNullOrEmpty(spec))
        {
            return null;
        }

        var validation = new RequestValidation();
        if (spec.Length > MaxLength)
        {
            validation.Add(field, $"must be at most {MaxLength} characters (got {spec.Length}).");
            validation.ThrowIfInvalid();
        }

        Dictionary<string, string>? forced = null;
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == part.Length - 1)
            {
                validation.Add(field, $"'{part}' is not layer=arm.");
                continue;
            }

            var layerName = part[..equals].Trim();
            var armName = part[(equals + 1)..].Trim();
            if (config.Layer(layerName) is not { AllowOverride: true } layer)
            {
                // Not allowed (or unknown): ignored, and the layer assigns as usual.
                continue;
            }

            if (layer.Arm(armName) is null)
            {
                validation.Add(field, $"layer '{layerName}' has no arm '{armName}' (arms: {string.Join(", ", layer.Arms.Select(static a => a.Name))}).");
                continue;
            }

            (forced ??= new Dictionary<string, string>(StringComparer.Ordinal))[layerName] = armName;
        }

        validation.ThrowIfInvalid();
        return forced;
    }
}
