using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The service configuration overrides of <c>evaluate</c> and <c>train --events</c>: <c>--settings FILE</c> (a JSON
/// object in appsettings form, read by the configuration's JSON source as the service reads appsettings.json: comments
/// and trailing commas allowed, nested objects or <c>A:B</c> keys, arrays as <c>A:0</c>, <c>A:1</c>..., null for no
/// value), then each <c>--set Key=Value</c>. At most <see cref="MaxSettings"/> entries; a file that is not valid JSON is
/// reported with its line.
/// </summary>
internal static class ServiceSettings
{
    /// <summary>The most <c>--set</c> overrides and settings-file entries.</summary>
    public const int MaxSettings = 256;

    /// <summary>Reads <paramref name="file"/> (when given), then applies each Key=Value of <paramref name="set"/>.</summary>
    /// <exception cref="CliUserException">The file is missing or invalid, a key or an override is malformed, or there are too many.</exception>
    public static Dictionary<string, string?> Read(string? file, IReadOnlyList<string> set)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (file is not null)
        {
            var values = Load(file);
            if (values.Count > MaxSettings)
            {
                throw new CliUserException($"{file}: at most {MaxSettings} service settings.");
            }

            // In key order: the file's own order is not kept by the configuration (evaluate's JSON echoes this order).
            foreach (var (key, value) in values.OrderBy(static p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                settings[FileKey(key, file)] = value;
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

    /// <summary>The values of the settings file, read by the configuration's JSON source; its errors as the CLI prints them.</summary>
    private static List<KeyValuePair<string, string?>> Load(string file)
    {
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new CliUserException($"settings file not found: {file}");
        }

        // Any file name (the default provider hides dot-prefixed files such as '.settings.json').
        using var directory = new PhysicalFileProvider(Path.GetDirectoryName(path)!, ExclusionFilters.None);
        try
        {
            using var root = (ConfigurationRoot)new ConfigurationBuilder().AddJsonFile(directory, Path.GetFileName(path), optional: false, reloadOnChange: false).Build();
            return [.. root.AsEnumerable().Where(static p => p.Value is not null)];
        }
        catch (InvalidDataException ex) when (ex.InnerException?.InnerException is JsonException json)
        {
            throw new CliUserException($"{file}: line {(json.LineNumber ?? 0) + 1}: not valid JSON ({json.Message.Split('.')[0]}).");
        }
        catch (InvalidDataException ex) when (ex.InnerException is FormatException format)
        {
            // Valid JSON the configuration refuses, without a line: not an object at the top, or a key given twice.
            throw new CliUserException($"{file}: {format.Message}");
        }
    }

    /// <summary>A key of the file: parts between colons of 1 to 256 characters without white space.</summary>
    private static string FileKey(string key, string file) => key.Split(':').All(static p => p.Length is > 0 and <= 256 && !p.Any(char.IsWhiteSpace))
        ? key
        : throw new CliUserException($"{file}: '{key}' is not a configuration key.");

    private static string Key(string key, string where) => key.Length is > 0 and <= 256 && !key.Any(char.IsWhiteSpace)
        ? key
        : throw new CliUserException($"{where}: '{key}' is not a configuration key.");
}
