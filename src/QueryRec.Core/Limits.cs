namespace QueryRec.Core;

/// <summary>The bounds of the public API. Every size the service accepts is bounded here.</summary>
public static class Limits
{
    /// <summary>Longest accepted Suggest prefix, in UTF-16 characters, before normalization.</summary>
    public const int MaxPrefixLength = 100;

    /// <summary>Longest accepted query text (context query, event query, history delete), in UTF-16 characters.</summary>
    public const int MaxQueryLength = 256;

    /// <summary>Longest accepted id (user, device, item, category, event).</summary>
    public const int MaxIdLength = 128;

    /// <summary>Largest Suggest limit.</summary>
    public const int MaxSuggestLimit = 50;

    /// <summary>Suggest limit used when the request leaves it at 0.</summary>
    public const int DefaultSuggestLimit = 10;

    /// <summary>Most category filters on one Suggest request.</summary>
    public const int MaxCategoryFilters = 8;

    /// <summary>Most sections one Discover request may name (a stage offers at most three; repeats are allowed but pointless).</summary>
    public const int MaxDiscoverSections = 5;

    /// <summary>Largest batch accepted by ReportEvents.</summary>
    public const int MaxEventsPerBatch = 500;
}
