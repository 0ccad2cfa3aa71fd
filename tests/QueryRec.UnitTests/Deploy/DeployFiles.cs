using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace QueryRec.UnitTests.Deploy;

/// <summary>
/// The repository's deploy files (deploy/, helm/queryrec/) read from the source tree, and the small YAML tools the
/// deploy tests share: YAML to JSON nodes, Helm's values merge, and the static parts of a Helm template.
/// </summary>
internal static partial class DeployFiles
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root: the nearest folder above the test binaries that holds QueryRec.sln.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The chart folder.</summary>
    public static string Chart => Path.Combine(Root, "helm", "queryrec");

    /// <summary>A path under the repository root, from '/'-separated parts.</summary>
    public static string PathOf(string relative) => Path.Combine([Root, .. relative.Split('/')]);

    /// <summary>The text of a file under the repository root.</summary>
    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QueryRec.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No QueryRec.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Every YAML document of <paramref name="yaml"/> as JSON (YAML 1.2 core schema for plain scalars).</summary>
    public static List<JsonNode?> YamlDocuments(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(static d => ToJson(d.RootNode))];
    }

    /// <summary>The one YAML document of <paramref name="yaml"/> as JSON; an empty file is an empty object.</summary>
    public static JsonObject YamlObject(string yaml)
    {
        var documents = YamlDocuments(yaml);
        return documents.Count == 0 ? [] : documents.Single()?.AsObject() ?? [];
    }

    /// <summary>A YAML node as a JSON node. Plain scalars resolve to null, booleans and numbers; others are strings.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(static c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? string.Empty, ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(value.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(value);
    }

    /// <summary>
    /// Helm's values merge: maps merge key by key, anything else (lists included) is replaced, and null deletes.
    /// </summary>
    public static JsonObject Merge(JsonObject defaults, JsonObject overrides)
    {
        var merged = defaults.DeepClone().AsObject();
        foreach (var (key, value) in overrides)
        {
            if (value is null)
            {
                merged.Remove(key);
                continue;
            }

            merged[key] = merged[key] is JsonObject baseMap && value is JsonObject overMap
                ? Merge(baseMap, overMap)
                : value.DeepClone();
        }

        return merged;
    }

    /// <summary>A JSON node as the element JsonSchema.Net evaluates.</summary>
    public static JsonElement ToElement(JsonNode? node) => JsonSerializer.SerializeToElement(node);

    /// <summary>
    /// The static YAML of a Helm template: template comments dropped, lines holding only actions removed, and each
    /// inline action replaced by a placeholder scalar, so the rest can be parsed as YAML.
    /// </summary>
    public static string StaticYaml(string template)
    {
        var text = TemplateComment().Replace(template, string.Empty);
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (ActionOnlyLine().IsMatch(line))
            {
                continue;
            }

            lines.Add(Action().Replace(line, Placeholder));
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// <see cref="StaticYaml"/> with the value references rendered: an inline action that is only <c>.Values.a.b</c>,
    /// optionally piped to <c>quote</c>, becomes that value of <paramref name="values"/> (quoted as Helm quotes it);
    /// other inline actions become the placeholder, and lines holding only actions (if, range, end) are dropped, so
    /// conditional blocks are kept and a range body appears once.
    /// </summary>
    public static string RenderValues(string template, JsonObject values)
        => StaticYaml(ValueAction().Replace(template, m =>
        {
            if (!TryGet(values, m.Groups[1].Value, out var node) || node is JsonObject or JsonArray)
            {
                return m.Value;
            }

            var text = node is null ? string.Empty : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
            return m.Groups[2].Success ? JsonSerializer.Serialize(text) : text;
        }));

    /// <summary>What an inline action becomes in <see cref="StaticYaml"/>.</summary>
    public const string Placeholder = "x0";

    /// <summary>Every <c>.Values.a.b</c> path a template refers to, as "a.b".</summary>
    public static IEnumerable<string> ValuesReferences(string template)
        => ValuesReference().Matches(template).Select(static m => m.Groups[1].Value.TrimStart('.'));

    /// <summary>The node at a dotted path of an object, or null when a step is missing.</summary>
    public static bool TryGet(JsonObject root, string dotted, out JsonNode? node)
    {
        node = root;
        foreach (var step in dotted.Split('.'))
        {
            if (node is not JsonObject map || !map.TryGetPropertyValue(step, out node))
            {
                node = null;
                return false;
            }
        }

        return true;
    }

    /// <summary>Dotted paths of the leaves of a values tree: scalars, lists and empty maps.</summary>
    public static IEnumerable<string> Leaves(JsonObject root, string prefix = "")
    {
        foreach (var (key, value) in root)
        {
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            if (value is JsonObject { Count: > 0 } map)
            {
                foreach (var leaf in Leaves(map, path))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"\{\{-?\s*/\*.*?\*/\s*-?\}\}", RegexOptions.Singleline)]
    private static partial Regex TemplateComment();

    [GeneratedRegex(@"^\s*(\{\{.*?\}\}\s*)+\r?$")]
    private static partial Regex ActionOnlyLine();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex Action();

    [GeneratedRegex(@"\{\{-?\s*\.Values\.([A-Za-z0-9_.]+)\s*(\|\s*quote\s*)?-?\}\}")]
    private static partial Regex ValueAction();

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesReference();
}
