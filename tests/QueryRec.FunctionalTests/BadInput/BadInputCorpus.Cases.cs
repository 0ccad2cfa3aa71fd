using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using QueryRec.Contracts.V1;
using QueryRec.Core;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>The corpus's enum, limit, event, size and wire cases (the string-field cases and helpers are in BadInputCorpus.cs).</summary>
public static partial class BadInputCorpus
{
    private static IEnumerable<CorpusCase> EnumAndLimitCases()
    {
        // Unknown enum values (proto3 enums are open: any int32 arrives).
        foreach (var v in new[] { 4, 99, -1, int.MaxValue, int.MinValue })
        {
            yield return Invalid($"Suggest.stage.{v}", CorpusRpc.Suggest, BaseSuggest().ToByteArray(), "stage", Int(3, v));
            yield return Invalid($"Discover.stage.{v}", CorpusRpc.Discover, [], "stage", Int(3, v));
            yield return Invalid($"GetShadingWords.stage.{v}", CorpusRpc.GetShadingWords, [], "stage", Int(3, v));
            yield return Invalid($"Correct.stage.{v}", CorpusRpc.Correct, BaseCorrect().ToByteArray(), "stage", Int(3, v));
        }

        foreach (var v in new[] { 6, -1, int.MaxValue })
        {
            yield return Invalid($"Suggest.scene.{v}", CorpusRpc.Suggest, BaseSuggest().ToByteArray(), "scene", Int(4, v));
            yield return Invalid($"Discover.scene.{v}", CorpusRpc.Discover, BaseDiscover().ToByteArray(), "scene", Int(4, v));
            yield return Invalid($"GetShadingWords.scene.{v}", CorpusRpc.GetShadingWords, [], "scene", Int(4, v));
            yield return Invalid($"Correct.scene.{v}", CorpusRpc.Correct, BaseCorrect().ToByteArray(), "scene", Int(4, v));
        }

        // Result counts: 0 to 1,000,000,000 when present.
        foreach (var v in new[] { -1, int.MinValue, 1_000_000_001 })
        {
            yield return Invalid($"Correct.result_count.{v}", CorpusRpc.Correct, BaseCorrect().ToByteArray(), "result_count", Int(7, v));
            yield return Invalid($"Discover.result_count.{v}", CorpusRpc.Discover, [], "result_count", Concat(Int(3, (int)Stage.Browsing), Int(8, v)));
        }

        yield return Invalid("Correct.no_query", CorpusRpc.Correct, [], "query", Int(3, (int)Stage.Browsing));
        yield return Invalid("Correct.stage_before_search", CorpusRpc.Correct, BaseCorrect().ToByteArray(), "stage", Int(3, (int)Stage.BeforeSearch));

        foreach (var v in new[] { 0, 7, -3, int.MaxValue })
        {
            yield return Invalid($"Discover.sections.{v}", CorpusRpc.Discover, BaseDiscover().ToByteArray(), "sections[0]", Int(7, v));
        }

        // DeleteHistory: who and what.
        yield return Invalid("DeleteHistory.no_ids", CorpusRpc.DeleteHistory, [], "user_id", Str(3, "laptop"));
        yield return Invalid("DeleteHistory.neither_query_nor_all", CorpusRpc.DeleteHistory, [], "query", Str(2, "d"));
        yield return Invalid("DeleteHistory.query_and_all", CorpusRpc.DeleteHistory, BaseDeleteHistory().ToByteArray(), "query", Int(4, 1));
        yield return Ok("DeleteHistory.all", CorpusRpc.DeleteHistory, Concat(Str(2, "d"), Int(4, 1)));

        // Limits out of range.
        foreach (var v in new[] { -1, Limits.MaxSuggestLimit + 1, int.MaxValue, int.MinValue })
        {
            yield return Invalid($"Suggest.limit.{v}", CorpusRpc.Suggest, BaseSuggest().ToByteArray(), "limit", Int(7, v));
            yield return Invalid($"Discover.limit.{v}", CorpusRpc.Discover, BaseDiscover().ToByteArray(), "limit", Int(6, v));
        }

        foreach (var v in new[] { -1, 21, int.MaxValue, int.MinValue })
        {
            yield return Invalid($"GetShadingWords.limit.{v}", CorpusRpc.GetShadingWords, [], "limit", Int(6, v));
        }

        yield return Ok("Suggest.limit.max", CorpusRpc.Suggest, Concat(BaseSuggest().ToByteArray(), Int(7, Limits.MaxSuggestLimit)));
        yield return Ok("Discover.limit.max", CorpusRpc.Discover, Concat(BaseDiscover().ToByteArray(), Int(6, 50)));
        foreach (var v in new[] { -1, 21, int.MaxValue, int.MinValue })
        {
            yield return Invalid($"GetPushQueries.limit.{v}", CorpusRpc.GetPushQueries, [], "limit", Int(3, v));
        }

        yield return Ok("GetShadingWords.limit.max", CorpusRpc.GetShadingWords, Int(6, 20));
        yield return Ok("GetPushQueries.limit.max", CorpusRpc.GetPushQueries, Int(3, 20));
        yield return Ok("GetPushQueries.anonymous", CorpusRpc.GetPushQueries, []);

        // Missing fields: an anonymous caller is fine; a Suggest without a prefix is not.
        yield return Ok("Suggest.anonymous", CorpusRpc.Suggest, BaseSuggest().ToByteArray());
        yield return Ok("GetShadingWords.empty", CorpusRpc.GetShadingWords, []);
        yield return Invalid("Suggest.prefix.missing", CorpusRpc.Suggest, [], "prefix");
        yield return Invalid("Discover.stage.missing", CorpusRpc.Discover, [], "stage");

        // Category filters: too many, blank.
        yield return Invalid("Suggest.category_filters.9", CorpusRpc.Suggest, BaseSuggest().ToByteArray(), "category_filters", Repeat(8, "c", Limits.MaxCategoryFilters + 1));
        yield return Invalid("Suggest.category_filters.50k", CorpusRpc.Suggest, BaseSuggest().ToByteArray(), "category_filters", Repeat(8, "c", 50_000));
        yield return Invalid("Suggest.category_filters.empty", CorpusRpc.Suggest, BaseSuggest().ToByteArray(), "category_filters[0]", Str(8, ""));

        // Sections: repeated kinds, and floods of valid and of unknown kinds.
        yield return Ok("Discover.sections.duplicate", CorpusRpc.Discover, Concat(BaseDiscover().ToByteArray(), Int(7, 1), Int(7, 1), Int(7, 2)));
        yield return Invalid("Discover.sections.flood_valid", CorpusRpc.Discover, BaseDiscover().ToByteArray(), "sections", Packed(7, Enumerable.Repeat(1, 100_000)));
        yield return Invalid("Discover.sections.flood_unknown", CorpusRpc.Discover, BaseDiscover().ToByteArray(), "sections", Packed(7, Enumerable.Repeat(99, 100_000)));

        // Unknown fields are skipped (forward compatibility).
        yield return Ok("Suggest.unknown_fields", CorpusRpc.Suggest, Concat(BaseSuggest().ToByteArray(), Int(99, 7), Str(100, "junk"), Str(5000, new string('z', 1000))));
        yield return Ok("ReportEvents.unknown_event_field", CorpusRpc.ReportEvents, Events(Concat(BaseEvent("unknown-field").ToByteArray(), Int(77, 1))));
    }

    private static IEnumerable<CorpusCase> EventCases()
    {
        static CorpusCase Rejected(string name, Event e, string field)
            => new($"ReportEvents.{name}", CorpusRpc.ReportEvents, Events(e.ToByteArray()), CorpusOutcome.Rejected, field);

        Event Base(string name, Action<Event> change)
        {
            var e = BaseEvent(name);
            change(e);
            return e;
        }

        yield return Rejected("event_id.missing", Base("x", static e => e.EventId = ""), "event_id");
        yield return Rejected("ids.missing", Base("ids.missing", static e => e.UserId = ""), "user_id");
        yield return Rejected("type.unspecified", Base("type.unspecified", static e => e.Type = EventType.Unspecified), "type");
        yield return Rejected("type.99", Base("type.99", static e => e.Type = (EventType)99), "type");
        yield return Rejected("type.negative", Base("type.negative", static e => e.Type = (EventType)(-7)), "type");
        yield return Rejected("scene.77", Base("scene.77", static e => e.Scene = (Scene)77), "scene");
        yield return Rejected("time.missing", Base("time.missing", static e => e.Time = null), "time");
        yield return Rejected("time.seconds_huge", Base("time.seconds_huge", static e => e.Time = new Timestamp { Seconds = long.MaxValue }), "time");
        yield return Rejected("time.seconds_min", Base("time.seconds_min", static e => e.Time = new Timestamp { Seconds = long.MinValue }), "time");
        yield return Rejected("time.nanos_negative", Base("time.nanos_negative", static e => e.Time = new Timestamp { Seconds = Now.ToUnixTimeSeconds(), Nanos = -1 }), "time");
        yield return Rejected("time.nanos_huge", Base("time.nanos_huge", static e => e.Time = new Timestamp { Seconds = Now.ToUnixTimeSeconds(), Nanos = int.MaxValue }), "time");
        yield return Rejected("time.far_future", Base("time.far_future", static e => e.Time = Timestamp.FromDateTimeOffset(Now.AddDays(1))), "time");
        yield return Rejected("time.epoch", Base("time.epoch", static e => e.Time = new Timestamp()), "time");
        yield return Rejected("query.missing", Base("query.missing", static e => e.Query = ""), "query");
        yield return Rejected("item_id.missing", Base("item_id.missing", static e => e.Type = EventType.ItemViewed), "item_id");
        yield return Rejected("order.item_id.missing", Base("order.item_id.missing", static e => e.Type = EventType.Order), "item_id");
        yield return Rejected("position.negative", Base("position.negative", static e => e.Position = -1), "position");
        yield return Rejected("position.min", Base("position.min", static e => e.Position = int.MinValue), "position");
        yield return Rejected("amount.nan", Base("amount.nan", static e => e.Amount = double.NaN), "amount");
        yield return Rejected("amount.infinity", Base("amount.infinity", static e => e.Amount = double.PositiveInfinity), "amount");
        yield return Rejected("amount.negative", Base("amount.negative", static e => e.Amount = -0.01), "amount");
        yield return new("ReportEvents.position.max", CorpusRpc.ReportEvents, Events(Base("position.max", static e => e.Position = int.MaxValue).ToByteArray()), CorpusOutcome.Ok, null);
        yield return new("ReportEvents.order.amount.max", CorpusRpc.ReportEvents, Events(Base("order.amount.max", static e =>
        {
            e.Type = EventType.Order;
            e.ItemId = "sku-1";
            e.Amount = double.MaxValue;
        }).ToByteArray()), CorpusOutcome.Ok, null);
    }

    private static IEnumerable<CorpusCase> SizeCases()
    {
        // Batch sizes.
        yield return Invalid("ReportEvents.events.none", CorpusRpc.ReportEvents, [], "events");
        yield return Invalid("ReportEvents.events.501", CorpusRpc.ReportEvents, ManyEvents(Limits.MaxEventsPerBatch + 1), "events");
        yield return Invalid("ReportEvents.events.100k_empty", CorpusRpc.ReportEvents, Concat(Enumerable.Repeat(Str(1, string.Empty), 100_000).ToArray()), "events");

        // Over-size messages: more than MaxReceiveMessageSize (1 MiB) never reaches a handler.
        yield return new("Suggest.message.over_1mib", CorpusRpc.Suggest, Str(6, new string('p', 1_100_000)), CorpusOutcome.TooLarge, null);
        yield return new("Discover.message.over_1mib", CorpusRpc.Discover, Concat(BaseDiscover().ToByteArray(), Str(5000, new string('u', 1_100_000))), CorpusOutcome.TooLarge, null);
        yield return new("GetShadingWords.message.over_1mib", CorpusRpc.GetShadingWords, Str(1, new string('u', 1_100_000)), CorpusOutcome.TooLarge, null);
        yield return new("ReportEvents.message.over_1mib", CorpusRpc.ReportEvents, Events(Concat(BaseEvent("big").ToByteArray(), Str(7, new string('q', 1_100_000)))), CorpusOutcome.TooLarge, null);
    }

    private static IEnumerable<CorpusCase> WireCases()
    {
        CorpusCase Malformed(string name, CorpusRpc rpc, params byte[][] parts) => new(name, rpc, Concat(parts), CorpusOutcome.Malformed, "request");

        foreach (var rpc in System.Enum.GetValues<CorpusRpc>())
        {
            yield return Malformed($"{rpc}.wire.truncated_varint", rpc, [0x18, 0x80]);
            yield return Malformed($"{rpc}.wire.length_past_end", rpc, [0x0A, 0x7F, 0x61]);
            yield return Malformed($"{rpc}.wire.field_zero", rpc, [0x00, 0x01]);
            yield return Malformed($"{rpc}.wire.end_group_alone", rpc, [0x0C]);
            yield return Malformed($"{rpc}.wire.deep_nesting", rpc, DeepGroups(5000));
        }

        // A known field number with the wrong wire type is kept as an unknown field, so the field reads as absent.
        yield return Ok("Suggest.wire.context_as_varint", CorpusRpc.Suggest, Concat(BaseSuggest().ToByteArray(), Int(5, 1)));
        yield return Invalid("ReportEvents.wire.event_as_varint", CorpusRpc.ReportEvents, Int(1, 1), "events");
        yield return new("ReportEvents.wire.time_as_varint", CorpusRpc.ReportEvents, Events(Concat(BaseEvent("t").ToByteArray(), Int(3, 5))), CorpusOutcome.Ok, null);
        yield return Malformed("Suggest.wire.prefix_truncated", CorpusRpc.Suggest, BaseSuggest().ToByteArray(), [0x32, 0x05, 0x61]);
    }

    /// <summary>Unknown groups nested <paramref name="depth"/> deep (start-group tags, then end-group tags).</summary>
    private static byte[] DeepGroups(int depth)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < depth; i++)
        {
            bytes.AddRange(Write(o => o.WriteTag(50, WireFormat.WireType.StartGroup)));
        }

        for (var i = 0; i < depth; i++)
        {
            bytes.AddRange(Write(o => o.WriteTag(50, WireFormat.WireType.EndGroup)));
        }

        return [.. bytes];
    }
}
