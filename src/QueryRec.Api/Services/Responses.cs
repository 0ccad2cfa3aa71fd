using QueryRec.Contracts.V1;

namespace QueryRec.Api.Services;

/// <summary>What the interceptors read from any QueryRec response: its metadata and how many items it returned.</summary>
internal static class Responses
{
    /// <summary>The response's metadata; null for a message that is not a QueryRec response (health, reflection).</summary>
    public static ResponseMetadata? MetadataOf(object? response) => response switch
    {
        SuggestResponse r => r.Metadata,
        DiscoverResponse r => r.Metadata,
        GetShadingWordsResponse r => r.Metadata,
        ReportEventsResponse r => r.Metadata,
        DeleteHistoryResponse r => r.Metadata,
        _ => null,
    };

    /// <summary>Items returned (Discover: over all sections; ReportEvents: events accepted; DeleteHistory: entries deleted); 0 for other messages.</summary>
    public static int ReturnedOf(object? response) => response switch
    {
        SuggestResponse r => r.Items.Count,
        DiscoverResponse r => r.Sections.Sum(static s => s.Items.Count),
        GetShadingWordsResponse r => r.Items.Count,
        ReportEventsResponse r => r.Accepted,
        DeleteHistoryResponse r => r.Deleted,
        _ => 0,
    };
}
