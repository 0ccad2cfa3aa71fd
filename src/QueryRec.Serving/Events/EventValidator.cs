using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Core.Normalization;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Events;

/// <summary>
/// An event that passed validation, with its subject, its time (clamped to now) and its normalized query.
/// <paramref name="DeviceSubject"/> is the device's subject when the event carries a user id too (a logged-in device,
/// whose history merges into the user's), else null.
/// </summary>
internal readonly record struct ValidEvent(string EventId, EventType Type, string Subject, DateTimeOffset Time, string Query, string ItemId, string? DeviceSubject = null)
{
    /// <summary>What the event changes in the real-time namespace.</summary>
    public void AddUpdates(List<RealtimeUpdate> updates)
    {
        updates.Add(new RealtimeUpdate(RealtimeUpdateKind.EventSeen, Subject, EventId, Time));
        switch (Type)
        {
            case EventType.SearchSubmitted:
            case EventType.SuggestionClicked:
            case EventType.PushOpened:
                // A clicked suggestion or an opened push lands on the query's result page: a search of that query.
                updates.Add(new RealtimeUpdate(RealtimeUpdateKind.RecentQuery, Subject, Query, Time));
                updates.Add(new RealtimeUpdate(RealtimeUpdateKind.Trending, Subject, Query, Time));
                break;
            case EventType.SuggestionShown:
                updates.Add(new RealtimeUpdate(RealtimeUpdateKind.Exposure, Subject, Query, Time));
                break;
            case EventType.PushSent:
                updates.Add(new RealtimeUpdate(RealtimeUpdateKind.PushSent, Subject, Query, Time));
                break;
            case EventType.Order:
                updates.Add(new RealtimeUpdate(RealtimeUpdateKind.OrderedItem, Subject, ItemId, Time));
                updates.Add(new RealtimeUpdate(RealtimeUpdateKind.ViewedItem, Subject, ItemId, Time));
                break;
            case EventType.ItemViewed:
            case EventType.ItemClicked:
            case EventType.AddToCart:
                updates.Add(new RealtimeUpdate(RealtimeUpdateKind.ViewedItem, Subject, ItemId, Time));
                break;
            default:
                break;
        }
    }
}

/// <summary>Validates one reported event; the first offending field is reported.</summary>
internal static class EventValidator
{
    /// <summary>How far in the future an event time may be (client clock skew).</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    private const long MinTimestampSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
    private const long MaxTimestampSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    /// <summary>Validates <paramref name="e"/>; on failure <paramref name="rejection"/> names the field and reason.</summary>
    public static bool TryValidate(Event e, int index, DateTimeOffset now, TimeSpan dedupeWindow, out ValidEvent valid, out EventRejection? rejection)
    {
        valid = default;
        var (field, reason) = Check(e, now, dedupeWindow, out var time, out var query);
        if (field is not null)
        {
            rejection = new EventRejection { Index = index, EventId = EventIdEcho.Of(e.EventId), Field = field, Reason = reason };
            return false;
        }

        rejection = null;
        var deviceSubject = e.UserId.Length > 0 && e.DeviceId.Length > 0 ? RealtimeSubject.Device(e.DeviceId) : null;
        valid = new ValidEvent(e.EventId, e.Type, RealtimeSubject.Of(e.UserId, e.DeviceId)!, time, query, e.ItemId, deviceSubject);
        return true;
    }

    private static (string? Field, string Reason) Check(Event e, DateTimeOffset now, TimeSpan dedupeWindow, out DateTimeOffset time, out string query)
    {
        time = default;
        query = string.Empty;
        if (string.IsNullOrEmpty(e.EventId))
        {
            return ("event_id", "is required.");
        }

        if (e.EventId.Length > Limits.MaxIdLength)
        {
            return ("event_id", TooLong(Limits.MaxIdLength, e.EventId.Length));
        }

        if (e.Type == EventType.Unspecified || !System.Enum.IsDefined(e.Type))
        {
            return ("type", $"must be a known event type (got {(int)e.Type}).");
        }

        if (e.Time is null)
        {
            return ("time", "is required.");
        }

        if (e.Time.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || e.Time.Nanos is < 0 or > 999_999_999)
        {
            return ("time", "is not a valid timestamp.");
        }

        time = e.Time.ToDateTimeOffset();
        if (time > now + MaxFutureSkew)
        {
            return ("time", $"is more than {MaxFutureSkew.TotalMinutes:0} minutes in the future.");
        }

        if (time < now - dedupeWindow)
        {
            return ("time", $"is older than the dedupe window ({dedupeWindow}).");
        }

        time = time > now ? now : time;
        if (string.IsNullOrEmpty(e.UserId) && string.IsNullOrEmpty(e.DeviceId))
        {
            return ("user_id", "user_id or device_id is required.");
        }

        if (e.UserId.Length > Limits.MaxIdLength)
        {
            return ("user_id", TooLong(Limits.MaxIdLength, e.UserId.Length));
        }

        if (e.DeviceId.Length > Limits.MaxIdLength)
        {
            return ("device_id", TooLong(Limits.MaxIdLength, e.DeviceId.Length));
        }

        if (e.Query.Length > Limits.MaxQueryLength)
        {
            return ("query", TooLong(Limits.MaxQueryLength, e.Query.Length));
        }

        if (e.Type is EventType.SearchSubmitted or EventType.SuggestionShown or EventType.SuggestionClicked or EventType.PushSent or EventType.PushOpened)
        {
            if (string.IsNullOrEmpty(e.Query))
            {
                return ("query", $"is required for {e.Type.ToWireName()}.");
            }

            query = QueryNormalizer.Normalize(e.Query);
            if (query.Length == 0)
            {
                return ("query", "must contain at least one visible character.");
            }
        }

        if (e.Prefix.Length > Limits.MaxPrefixLength)
        {
            return ("prefix", TooLong(Limits.MaxPrefixLength, e.Prefix.Length));
        }

        if (e.ItemId.Length > Limits.MaxIdLength)
        {
            return ("item_id", TooLong(Limits.MaxIdLength, e.ItemId.Length));
        }

        if ((e.Type is EventType.ItemViewed or EventType.ItemClicked or EventType.AddToCart or EventType.Order) && string.IsNullOrEmpty(e.ItemId))
        {
            return ("item_id", $"is required for {e.Type.ToWireName()}.");
        }

        if (e.CategoryId.Length > Limits.MaxIdLength)
        {
            return ("category_id", TooLong(Limits.MaxIdLength, e.CategoryId.Length));
        }

        if (!System.Enum.IsDefined(e.Scene))
        {
            return ("scene", $"unknown Scene value {(int)e.Scene}.");
        }

        if (e.Position < 0)
        {
            return ("position", $"must be 0 or more (got {e.Position}).");
        }

        if (!double.IsFinite(e.Amount) || e.Amount < 0)
        {
            return ("amount", "must be a finite number, 0 or more.");
        }

        return (null, string.Empty);
    }

    private static string TooLong(int max, int length) => $"must be at most {max} characters (got {length}).";

    private static string ToWireName(this EventType type) => type switch
    {
        EventType.SearchSubmitted => "EVENT_TYPE_SEARCH_SUBMITTED",
        EventType.SuggestionShown => "EVENT_TYPE_SUGGESTION_SHOWN",
        EventType.SuggestionClicked => "EVENT_TYPE_SUGGESTION_CLICKED",
        EventType.ItemViewed => "EVENT_TYPE_ITEM_VIEWED",
        EventType.ItemClicked => "EVENT_TYPE_ITEM_CLICKED",
        EventType.AddToCart => "EVENT_TYPE_ADD_TO_CART",
        EventType.Order => "EVENT_TYPE_ORDER",
        EventType.PushSent => "EVENT_TYPE_PUSH_SENT",
        EventType.PushOpened => "EVENT_TYPE_PUSH_OPENED",
        _ => type.ToString(),
    };
}
