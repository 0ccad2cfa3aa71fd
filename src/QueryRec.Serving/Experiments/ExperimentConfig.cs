using System.Globalization;
using System.Text.RegularExpressions;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// The experiments configuration: section <c>QueryRec:Experiments</c> of the host configuration, or the mounted JSON
/// file <c>QueryRec:Experiments:File</c> (its root has the same shape: <c>Layers</c>). Reloaded on change; see
/// <see cref="ExperimentRegistry"/>.
/// </summary>
internal sealed class ExperimentConfig
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Experiments";

    /// <summary>The key of the mounted file, relative to <see cref="Section"/>.</summary>
    public const string FileKey = "File";

    /// <summary>At most this many layers.</summary>
    public const int MaxLayers = 16;

    /// <summary>At most this many arms per layer.</summary>
    public const int MaxArmsPerLayer = 32;

    /// <summary>At most this many overrides per arm.</summary>
    public const int MaxOverridesPerArm = 64;

    /// <summary>Layer, arm and salt names are 1 to this many characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>An override value is at most this many characters.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>Traffic is split into this many buckets: a share has a resolution of 0.01%.</summary>
    public const int Buckets = 10_000;

    /// <summary>No experiments: every caller gets the base configuration.</summary>
    public static readonly ExperimentConfig Empty = new([]);

    public ExperimentConfig(IReadOnlyList<ExperimentLayer> layers)
    {
        Layers = layers;
    }

    /// <summary>The layers, in configuration order (orthogonal: each assigns its own arm from its own salt).</summary>
    public IReadOnlyList<ExperimentLayer> Layers { get; }

    /// <summary>The layer named <paramref name="name"/> (ordinal), or null.</summary>
    public ExperimentLayer? Layer(string name)
    {
        foreach (var layer in Layers)
        {
            if (string.Equals(layer.Name, name, StringComparison.Ordinal))
            {
                return layer;
            }
        }

        return null;
    }

    /// <summary>Every published model id some arm asks for (<c>Ranking:ModelId</c>), each once.</summary>
    public IReadOnlyList<string> ModelIds()
        => [.. Layers.SelectMany(static l => l.Arms).Select(static a => a.ModelId).OfType<string>().Distinct(StringComparer.Ordinal)];
}

/// <summary>One layer: a salt and arms with traffic shares. Buckets past the last arm get no arm (control).</summary>
/// <param name="Name">The layer name (unique, 1–64 characters of <c>[A-Za-z0-9_.-]</c>).</param>
/// <param name="Salt">The hash salt (defaults to the name); changing it reshuffles the layer's callers.</param>
/// <param name="AllowOverride">Whether the QA header <c>x-queryrec-arm</c> may choose this layer's arm.</param>
/// <param name="Arms">The arms in order: arm i takes the buckets after arm i-1's.</param>
internal sealed record ExperimentLayer(string Name, string Salt, bool AllowOverride, IReadOnlyList<ExperimentArm> Arms)
{
    /// <summary>The arm of bucket <paramref name="bucket"/> (0 to 9999), or null for the unassigned remainder.</summary>
    public ExperimentArm? ArmOf(int bucket)
    {
        foreach (var arm in Arms)
        {
            if (bucket < arm.BucketEnd)
            {
                return arm;
            }
        }

        return null;
    }

    /// <summary>The arm named <paramref name="name"/> (ordinal), or null.</summary>
    public ExperimentArm? Arm(string name) => Arms.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));
}

/// <summary>One arm: its share of the layer's traffic and its parameter overrides.</summary>
/// <param name="Name">The arm name (unique within the layer).</param>
/// <param name="Share">The traffic share in percent (0 to 100, a multiple of 0.01).</param>
/// <param name="BucketEnd">The exclusive end of the arm's bucket range (cumulative over the layer's arms).</param>
/// <param name="Overrides">Configuration keys relative to <c>QueryRec</c> (e.g. <c>Suggest:DefaultLimit</c>) and their values.</param>
internal sealed record ExperimentArm(string Name, decimal Share, int BucketEnd, IReadOnlyDictionary<string, string> Overrides)
{
    /// <summary>The ranker switch of the arm (<c>Ranking:Enabled</c>): false ranks with the heuristic; null keeps the default.</summary>
    public bool? RankingEnabled => Overrides.TryGetValue(ExperimentKeys.RankingEnabled, out var v) ? bool.Parse(v) : null;

    /// <summary>The published model the arm ranks with (<c>Ranking:ModelId</c>), or null for the default model.</summary>
    public string? ModelId => Overrides.TryGetValue(ExperimentKeys.RankingModelId, out var v) ? v : null;
}

/// <summary>Reads <see cref="ExperimentConfig"/> from a configuration section and checks every rule but the options validators.</summary>
internal static partial class ExperimentConfigReader
{
    /// <summary>Reads the layers under <paramref name="section"/>; <paramref name="errors"/> collects every problem found.</summary>
    public static ExperimentConfig Read(IConfiguration section, List<string> errors)
    {
        var layersSection = section.GetSection("Layers");
        var layerSections = Children(layersSection);
        if (layerSections.Count > ExperimentConfig.MaxLayers)
        {
            errors.Add($"Layers: {layerSections.Count} layers; at most {ExperimentConfig.MaxLayers} are allowed.");
            return ExperimentConfig.Empty;
        }

        var layers = new List<ExperimentLayer>(layerSections.Count);
        var layerNames = new HashSet<string>(StringComparer.Ordinal);
        var keyOwners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var layerSection in layerSections)
        {
            var where = $"Layers:{layerSection.Key}";
            var name = Name(layerSection["Name"], where + ":Name", errors);
            if (name is not null && !layerNames.Add(name))
            {
                errors.Add($"{where}:Name: the layer name '{name}' is used twice.");
            }

            var salt = layerSection["Salt"];
            if (salt is not null && (salt.Length is 0 or > ExperimentConfig.MaxNameLength))
            {
                errors.Add($"{where}:Salt: must be 1 to {ExperimentConfig.MaxNameLength} characters.");
            }

            var allowOverride = false;
            if (layerSection["AllowOverride"] is { } allow && !bool.TryParse(allow, out allowOverride))
            {
                errors.Add($"{where}:AllowOverride: '{allow}' is not true or false.");
            }

            var armSections = Children(layerSection.GetSection("Arms"));
            if (armSections.Count > ExperimentConfig.MaxArmsPerLayer)
            {
                errors.Add($"{where}:Arms: {armSections.Count} arms; at most {ExperimentConfig.MaxArmsPerLayer} are allowed.");
                continue;
            }

            var arms = new List<ExperimentArm>(armSections.Count);
            var armNames = new HashSet<string>(StringComparer.Ordinal);
            var end = 0;
            foreach (var armSection in armSections)
            {
                var armWhere = $"{where}:Arms:{armSection.Key}";
                var armName = Name(armSection["Name"], armWhere + ":Name", errors);
                if (armName is not null && !armNames.Add(armName))
                {
                    errors.Add($"{armWhere}:Name: the arm name '{armName}' is used twice in layer '{name}'.");
                }

                var share = Share(armSection["Share"], armWhere + ":Share", errors);
                end += (int)(share * (ExperimentConfig.Buckets / 100));
                var overrides = Overrides(armSection.GetSection("Overrides"), armWhere + ":Overrides", errors);
                foreach (var key in overrides.Keys)
                {
                    // Orthogonal layers: one key belongs to one layer, so arms of different layers never fight over it.
                    if (keyOwners.TryGetValue(key, out var owner) && !string.Equals(owner, name, StringComparison.Ordinal))
                    {
                        errors.Add($"{armWhere}:Overrides:{key}: layer '{owner}' already overrides this key; a key may be overridden by one layer only.");
                    }
                    else if (name is not null)
                    {
                        keyOwners[key] = name;
                    }
                }

                arms.Add(new ExperimentArm(armName ?? string.Empty, share, end, overrides));
            }

            if (end > ExperimentConfig.Buckets)
            {
                errors.Add($"{where}:Arms: the shares add up to {arms.Sum(static a => a.Share).ToString(CultureInfo.InvariantCulture)}%; at most 100% is allowed.");
            }

            layers.Add(new ExperimentLayer(name ?? string.Empty, salt ?? name ?? string.Empty, allowOverride, arms));
        }

        return new ExperimentConfig(layers);
    }

    /// <summary>The children of a list section in index order (0, 1, 2...); a key that is not an index is an error later, as an unknown name.</summary>
    private static List<IConfigurationSection> Children(IConfigurationSection section)
        => [.. section.GetChildren().OrderBy(static c => int.TryParse(c.Key, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)];

    private static string? Name(string? value, string where, List<string> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add($"{where}: is required.");
            return null;
        }

        if (value.Length > ExperimentConfig.MaxNameLength || !NamePattern().IsMatch(value))
        {
            errors.Add($"{where}: '{Truncate(value)}' must be 1 to {ExperimentConfig.MaxNameLength} characters of letters, digits, '_', '.' and '-'.");
            return null;
        }

        return value;
    }

    private static decimal Share(string? value, string where, List<string> errors)
    {
        if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var share) || share < 0 || share > 100)
        {
            errors.Add($"{where}: '{Truncate(value)}' must be a percentage from 0 to 100.");
            return 0;
        }

        if (share * 100 != decimal.Truncate(share * 100))
        {
            errors.Add($"{where}: {share.ToString(CultureInfo.InvariantCulture)}% is finer than 0.01% (the traffic is split into {ExperimentConfig.Buckets} buckets).");
            return 0;
        }

        return share;
    }

    /// <summary>
    /// The overrides of an arm: every leaf under <c>Overrides</c> with its path, so nested JSON
    /// (<c>"Suggest": { "DefaultLimit": 3 }</c>), flat keys (<c>"Suggest:DefaultLimit": 3</c>) and environment variables
    /// (<c>...__Overrides__Suggest__DefaultLimit=3</c>) are the same override.
    /// </summary>
    private static Dictionary<string, string> Overrides(IConfigurationSection section, string where, List<string> errors)
    {
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is null)
            {
                continue;
            }

            if (overrides.Count == ExperimentConfig.MaxOverridesPerArm)
            {
                errors.Add($"{where}: more than {ExperimentConfig.MaxOverridesPerArm} overrides.");
                break;
            }

            if (value.Length > ExperimentConfig.MaxValueLength)
            {
                errors.Add($"{where}:{key}: the value is longer than {ExperimentConfig.MaxValueLength} characters.");
                continue;
            }

            if (ExperimentKeys.Check(key, value) is { } problem)
            {
                errors.Add($"{where}:{key}: {problem}");
                continue;
            }

            overrides[key] = value;
        }

        return overrides;
    }

    private static string Truncate(string? value) => value is null ? string.Empty : value.Length <= 80 ? value : value[..80] + "…";

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex NamePattern();
}
