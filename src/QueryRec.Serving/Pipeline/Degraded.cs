using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Pipeline;

/// <summary>Marks an answer degraded: served from what the pipeline had, with the reason a caller and a dashboard can read.</summary>
internal static class Degraded
{
    public static void Mark(ResponseMetadata metadata, string reason)
    {
        metadata.Degraded = true;
        metadata.DegradedReasons.Add(reason);
    }

    /// <summary>Marks the answer degraded for <paramref name="reason"/> unless it already names that reason.</summary>
    public static void MarkOnce(ResponseMetadata metadata, string reason)
    {
        if (!metadata.DegradedReasons.Contains(reason))
        {
            Mark(metadata, reason);
        }
    }
}
