using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// The keys an arm may override, relative to <c>QueryRec</c>: any option of <c>Suggest</c>, <c>Suggest:Matching</c>,
/// <c>Ranking:Heuristic</c> and <c>Strategies</c> (list items by index, e.g. <c>Strategies:Pins:0:Query</c>), plus
/// <c>Ranking:Enabled</c> (false: the heuristic ranks) and <c>Ranking:ModelId</c> (a published model id).
/// </summary>
internal static partial class ExperimentKeys
{
    /// <summary>The ranker switch of an arm.</summary>
    public const string RankingEnabled = "Ranking:Enabled";

    /// <summary>The published model an arm ranks with.</summary>
    public const string RankingModelId = "Ranking:ModelId";

    /// <summary>The highest list index an override may name.</summary>
    private const int MaxListIndex = 999;

    /// <summary>The overridable sections (relative to <c>QueryRec</c>), longest first, and their options types.</summary>
    public static readonly IReadOnlyList<(string Prefix, Type Type)> Sections =
    [
        ("Ranking:Heuristic", typeof(HeuristicRankingOptions)),
        ("Suggest:Matching", typeof(MatchingOptions)),
        ("Strategies", typeof(StrategyOptions)),
        ("Suggest", typeof(SuggestOptions)),
    ];

    /// <summary>Null when <paramref name="key"/> may be overridden with <paramref name="value"/>, else why not.</summary>
    public static string? Check(string key, string value)
    {
        if (string.Equals(key, RankingEnabled, StringComparison.OrdinalIgnoreCase))
        {
            return bool.TryParse(value, out _) ? null : $"'{value}' is not true or false.";
        }

        if (string.Equals(key, RankingModelId, StringComparison.OrdinalIgnoreCase))
        {
            return ModelIdPattern().IsMatch(value) ? null : "must be a published model id or model version (1 to 64 characters of letters, digits, '_', '.' and '-'; see 'indexer status').";
        }

        var section = SectionOf(key);
        if (section is null || !IsProperty(section.Value.Type, key[(section.Value.Prefix.Length + 1)..].Split(':')))
        {
            return "unknown override key. Allowed: any option under " + string.Join(", ", Sections.Select(static s => s.Prefix))
                + $", and {RankingEnabled}, {RankingModelId}.";
        }

        return null;
    }

    /// <summary>The overridable section <paramref name="key"/> falls in (longest prefix), or null.</summary>
    public static (string Prefix, Type Type)? SectionOf(string key)
    {
        foreach (var section in Sections)
        {
            if (key.Length > section.Prefix.Length + 1
                && key.StartsWith(section.Prefix, StringComparison.OrdinalIgnoreCase)
                && key[section.Prefix.Length] == ':')
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>Whether the path names a settable option of <paramref name="type"/> (a scalar, or a list item's scalar).</summary>
    private static bool IsProperty(Type type, ReadOnlySpan<string> path)
    {
        if (path.IsEmpty)
        {
            return false;
        }

        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null)
        {
            return false;
        }

        var rest = path[1..];
        var propertyType = property.PropertyType;
        if (IsScalar(propertyType))
        {
            return rest.IsEmpty && property.CanWrite;
        }

        var item = ListItem(propertyType);
        if (item is null || rest.IsEmpty || !int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > MaxListIndex)
        {
            return false;
        }

        rest = rest[1..];
        return IsScalar(item) ? rest.IsEmpty : IsProperty(item, rest);
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan);
    }

    private static Type? ListItem(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return type.IsArray ? type.GetElementType() : type.IsGenericType ? type.GetGenericArguments()[0] : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex ModelIdPattern();
}
