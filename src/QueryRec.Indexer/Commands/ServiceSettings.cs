using System.Text.Json;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The service configuration overrides of <c>evaluate</c> and <c>train --events</c>: <c>--settings FILE</c> (a JSON
/// object, comments allowed, in appsettings form: nested objects or <c>A:B</c> keys, string, number or boolean values),
/// then each <c>--set Key=Value</c>. At most <see cref="MaxSettings"/> entries; a bad file is reported with its line.
/// </summary>
internal static class ServiceSettings
{
    /// <summary>The most <c>--set</c> overrides and settings-file entries.</summary>
    public const int MaxSettings = 256;

    /// <summary>The most nesting levels of a settings file.</summary>
    private const int MaxDepth = 8;

    /// <summary>Reads <paramref name="file"/> (when given), then applies each Key=Value of <paramref name="set"/>.</summary>
    /// <exception cref="CliUserException">The file is missing or invalid, a key or an override is malformed, or there are too many.</exception>
    public static Dictionary<string, string?> Read(string? file, IReadOnlyList<string> set)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw new CliUserException($"settings file not found: {file}");
            }

            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxDepth });
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new CliUserException($"{file}: line 1: the settings must be one JSON object of \"Key\": value.");
                }

                AddObject(settings, doc.RootElement, null, file);
            }
            catch (JsonException ex)
            {
                throw new CliUserException($"{file}: line {(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message.Split('.')[0]}).");
            }
        }

        foreach (var item in set)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliUserException($"--set '{item}' must be Key=Value (e.g. QueryRec:Trending:MinDistinctUsers=1).");
            }

            settings[Key(item[..eq], "--set")] = item[(eq + 1)..];
        }

        return settings.Count > MaxSettings
            ? throw new CliUserException($"at most {MaxSettings} service settings (got {settings.Count}).")
            : settings;
    }

    /// <summary>Adds the members of <paramref name="obj"/>, nested objects flattened to <c>A:B</c> keys as configuration does.</summary>
    private static void AddObject(Dictionary<string, string?> settings, JsonElement obj, string? parent, string file)
    {
        foreach (var p in obj.EnumerateObject())
        {
            var key = Key(p.Name, file);
            key = parent is null ? key : parent + ":" + key;
            if (p.Value.ValueKind == JsonValueKind.Object)
            {
                AddObject(settings, p.Value, key, file);
                continue;
            }

            settings[key] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new CliUserException($"{file}: '{key}' must be a string, a number, a boolean or an object."),
            };
            if (settings.Count > MaxSettings)
            {
                throw new CliUserException($"{file}: at most {MaxSettings} service settings.");
            }
        }
    }

    private static string Key(string key, string where) => key.Length is > 0 and <= 256 && !key.Any(char.IsWhiteSpace)
        ? key
        : throw new CliUserException($"{where}: '{key}' is not a configuration key.");
}
