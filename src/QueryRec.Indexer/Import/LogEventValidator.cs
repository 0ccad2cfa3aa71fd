using QueryRec.Core;

namespace QueryRec.Indexer.Import;

/// <summary>The rules every imported event must satisfy, whatever its source format.</summary>
public static class LogEventValidator
{
    /// <summary>Returns why the event is invalid, or null when it is valid.</summary>
    public static string? Validate(LogEvent e)
    {
        if (string.IsNullOrWhiteSpace(e.UserId))
        {
            return "user is empty";
        }

        if (e.UserId.Length > Limits.MaxIdLength)
        {
            return $"user is longer than {Limits.MaxIdLength} characters";
        }

        if (e.Query.Length > Limits.MaxQueryLength)
        {
            return $"query is longer than {Limits.MaxQueryLength} characters";
        }

        if (e.Type == LogEventType.Search && string.IsNullOrWhiteSpace(e.Query))
        {
            return "query is required for a search";
        }

        if (e.ItemId is { Length: > Limits.MaxIdLength })
        {
            return $"item is longer than {Limits.MaxIdLength} characters";
        }

        if (e.CategoryId is { Length: > Limits.MaxIdLength })
        {
            return $"category is longer than {Limits.MaxIdLength} characters";
        }

        if (e.ResultCount is < 0)
        {
            return "results is negative";
        }

        return e.Time.Offset != TimeSpan.Zero ? "time is not UTC" : null;
    }
}
