using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using QueryRec.Contracts.V1;
using QueryRec.Core;

namespace QueryRec.FunctionalTests.BadInput;

/// <summary>
/// The bad-input corpus (issue #7), generated systematically: every string field of every request gets every value
/// family (over-long, lone surrogates and other invalid UTF-8 sent as raw bytes, control characters, bidi, emoji and
/// ZWJ sequences, combining floods, noncharacters, private use, unassigned, BOM, NUL, normalization expanders), then
/// hand-written cases for enums, limits, missing ids, batch sizes, repeated-field sizes, wire-format damage and
/// over-size messages.
/// </summary>
/// <remarks>
/// One file of about 480 lines on purpose: the corpus is one table, and every family of cases shares the base
/// requests and the case builders at its end.
/// Requests are sent as bytes (a raw marshaller), so that the server sees exactly what a buggy or hostile client
/// sends, including invalid UTF-8 that Google.Protobuf would never write. A string field is set by appending its
/// tag and bytes to a valid base request: for a singular field the last value on the wire wins, and a nested
/// message (context, an event) appended again is merged into the first.
/// </remarks>
public static partial class BadInputCorpus
{
    /// <summary>The time the corpus's events are near; the host's fake clock stands at it.</summary>
    public static readonly DateTimeOffset Now = Discover.BrowseHost.Now;

    private const int LengthDelimited = 2;
    private const int Varint = 0;

    private static readonly Lazy<IReadOnlyDictionary<string, CorpusCase>> Cases = new(() => Build().ToDictionary(static c => c.Name, StringComparer.Ordinal));

    /// <summary>Every case, by name.</summary>
    public static IReadOnlyDictionary<string, CorpusCase> All => Cases.Value;

    /// <summary>The case names, for xUnit theories.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>A string field of a request: where it sits on the wire, its bound, and how its content is judged.</summary>
    private sealed record StringField(CorpusRpc Rpc, string Name, int[] Path, int Max, FieldKind Kind);

    private enum FieldKind
    {
        /// <summary>An opaque id or text only bounded in length: any content is accepted.</summary>
        Opaque,

        /// <summary>Text that must keep a visible character after normalization (Suggest prefix, a search event's query).</summary>
        VisibleText,

        /// <summary>A category filter: must not be empty or whitespace.</summary>
        NotBlank,
    }

    /// <summary>A value family member: UTF-8 bytes (possibly invalid) and what the server decodes them to.</summary>
    private sealed record StringValue(string Name, byte[] Bytes)
    {
        /// <summary>The string the server sees: invalid sequences decode to U+FFFD.</summary>
        public string Decoded => Encoding.UTF8.GetString(Bytes);

        public static StringValue Text(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));
    }

    private static IEnumerable<StringField> StringFields()
    {
        foreach (var rpc in new[] { CorpusRpc.Suggest, CorpusRpc.Discover, CorpusRpc.GetShadingWords, CorpusRpc.Correct })
        {
            yield return new(rpc, "user_id", [1], Limits.MaxIdLength, FieldKind.Opaque);
            yield return new(rpc, "device_id", [2], Limits.MaxIdLength, FieldKind.Opaque);
            yield return new(rpc, "context.query", [5, 1], Limits.MaxQueryLength, FieldKind.Opaque);
            yield return new(rpc, "context.item_id", [5, 2], Limits.MaxIdLength, FieldKind.Opaque);
            yield return new(rpc, "context.category_id", [5, 3], Limits.MaxIdLength, FieldKind.Opaque);
        }

        yield return new(CorpusRpc.Suggest, "prefix", [6], Limits.MaxPrefixLength, FieldKind.VisibleText);
        yield return new(CorpusRpc.Suggest, "category_filters[0]", [8], Limits.MaxIdLength, FieldKind.NotBlank);

        // Events: the path starts at the event (field 1 of the request).
        yield return new(CorpusRpc.ReportEvents, "event_id", [1], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.ReportEvents, "user_id", [4], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.ReportEvents, "device_id", [5], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.ReportEvents, "query", [7], Limits.MaxQueryLength, FieldKind.VisibleText);
        yield return new(CorpusRpc.ReportEvents, "prefix", [8], Limits.MaxPrefixLength, FieldKind.Opaque);
        yield return new(CorpusRpc.ReportEvents, "item_id", [9], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.ReportEvents, "category_id", [10], Limits.MaxIdLength, FieldKind.Opaque);

        yield return new(CorpusRpc.DeleteHistory, "user_id", [1], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.DeleteHistory, "device_id", [2], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.DeleteHistory, "query", [3], Limits.MaxQueryLength, FieldKind.VisibleText);

        yield return new(CorpusRpc.GetPushQueries, "user_id", [1], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.GetPushQueries, "device_id", [2], Limits.MaxIdLength, FieldKind.Opaque);
        yield return new(CorpusRpc.Correct, "query", [6], Limits.MaxQueryLength, FieldKind.VisibleText);
    }

    private static IEnumerable<StringValue> Values(int max)
    {
        // Over-long, counted in UTF-16 code units as the contract says.
        yield return StringValue.Text("overlong", new string('x', max + 1));
        yield return StringValue.Text("overlong_200k", new string('x', 200_000));
        yield return StringValue.Text("overlong_emoji_pairs", string.Concat(Enumerable.Repeat("😀", (max / 2) + 1)));
        yield return StringValue.Text("overlong_combining_flood", "a" + new string('\u0301', max));
        yield return StringValue.Text("at_limit", new string('y', max));

        // Lone surrogates as a WTF-8/CESU client writes them, and other invalid UTF-8.
        yield return new("lone_high_surrogate", [(byte)'a', 0xED, 0xA0, 0x80, (byte)'b']);
        yield return new("lone_low_surrogate", [(byte)'a', 0xED, 0xB0, 0x80, (byte)'b']);
        yield return new("surrogate_pair_cesu", [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]);
        yield return new("overlong_encoding_slash", [0xC0, 0xAF]);
        yield return new("invalid_byte_ff", [(byte)'l', 0xFF, 0xFE, (byte)'p']);
        yield return new("truncated_sequence", [(byte)'l', 0xE2, 0x82]);
        yield return new("above_10ffff", [0xF4, 0x90, 0x80, 0x80]);
        yield return new("five_byte_form", [0xF8, 0x88, 0x80, 0x80, 0x80]);

        // Control characters and NUL.
        yield return StringValue.Text("nul_only", "\0");
        yield return StringValue.Text("nul_inside", "lap\0top");
        yield return StringValue.Text("c0_controls", "\u0001\u0007\u0008\u001b[31mred\u001b[0m");
        yield return StringValue.Text("crlf_injection", "laptop\r\nX-Injected: 1");
        yield return StringValue.Text("c1_controls", "\u007f\u0085\u009b");

        // Bidi.
        yield return StringValue.Text("rtl_override", "\u202Eevil\u202C");
        yield return StringValue.Text("rtl_hebrew", "\u200F\u05E9\u05DC\u05D5\u05DD");
        yield return StringValue.Text("mixed_bidi", "laptop \u05DE\u05D7\u05E9\u05D1 هاتف 15");
        yield return StringValue.Text("bidi_isolates", "\u2066a\u2069\u2067b\u2069\u2068c\u2069");

        // Emoji and ZWJ sequences.
        yield return StringValue.Text("emoji", "😀");
        yield return StringValue.Text("zwj_family", "👨‍👩‍👧‍👦");
        yield return StringValue.Text("flag", "🇺🇸");
        yield return StringValue.Text("skin_tone", "👍🏽");
        yield return StringValue.Text("keycap", "1️⃣");
        yield return StringValue.Text("text_and_emoji", "laptop 🔥");

        // Combining marks within the bound, and zalgo.
        yield return StringValue.Text("combining_within_bound", "e" + new string('\u0301', Math.Min(max - 1, 60)));
        yield return StringValue.Text("zalgo", "l\u0316\u0317\u0318a\u0319\u031A\u031Bp\u0300\u0301\u0302");

        // Deeply odd code points.
        yield return StringValue.Text("noncharacters", "\uFFFE\uFFFF\uFDD0");
        yield return StringValue.Text("max_code_point", "\U0010FFFF");
        yield return StringValue.Text("private_use", "\uE000\U000F0000");
        yield return StringValue.Text("unassigned", "\u0378\u0379\U0003FFFD");
        yield return StringValue.Text("tag_characters", "\U000E0001\U000E0074\U000E007F");
        yield return StringValue.Text("bom_prefix", "\uFEFFlaptop");
        yield return StringValue.Text("bom_only", "\uFEFF");
        yield return StringValue.Text("zero_width_only", "\u200B\u200C\u200D\u2060");
        yield return StringValue.Text("unicode_whitespace_only", "\u3000\u00A0\u2028\u2029\t");
        yield return StringValue.Text("hangul_fillers", "\u3164\u115F\u1160");
        yield return StringValue.Text("fullwidth", "ｌａｐｔｏｐ");
        yield return StringValue.Text("math_alphanumerics", "𝐥𝐚𝐩𝐭𝐨𝐩");

        // Case and compatibility mappings that grow the text: at the bound before normalization, far past it after.
        yield return StringValue.Text("dotted_capital_i_at_limit", new string('İ', max));
        yield return StringValue.Text("nfkc_expander_at_limit", new string('\uFDFA', max));
        yield return StringValue.Text("ligature_at_limit", new string('\uFB03', max));
    }

    private static IEnumerable<CorpusCase> Build()
    {
        foreach (var field in StringFields())
        {
            foreach (var value in Values(field.Max))
            {
                yield return StringCase(field, value);
            }
        }

        foreach (var c in EnumAndLimitCases())
        {
            yield return c;
        }

        foreach (var c in EventCases())
        {
            yield return c;
        }

        foreach (var c in SizeCases())
        {
            yield return c;
        }

        foreach (var c in WireCases())
        {
            yield return c;
        }
    }

    private static CorpusCase StringCase(StringField field, StringValue value)
    {
        var decoded = value.Decoded;
        var name = $"{field.Rpc}.{field.Name}.{value.Name}";
        var fieldBytes = Nested(field.Path, value.Bytes);
        var payload = field.Rpc switch
        {
            CorpusRpc.Suggest => Concat(BaseSuggest().ToByteArray(), fieldBytes),
            CorpusRpc.Discover => Concat(BaseDiscover().ToByteArray(), fieldBytes),
            CorpusRpc.GetShadingWords => Concat(new GetShadingWordsRequest().ToByteArray(), fieldBytes),
            CorpusRpc.DeleteHistory => Concat(BaseDeleteHistory().ToByteArray(), fieldBytes),
            CorpusRpc.GetPushQueries => Concat(new GetPushQueriesRequest().ToByteArray(), fieldBytes),
            CorpusRpc.Correct => Concat(BaseCorrect().ToByteArray(), fieldBytes),
            _ => Events(Concat(BaseEvent(name).ToByteArray(), fieldBytes)),
        };

        // proto3 strings must be valid UTF-8: the whole request is refused, naming the field by its path.
        if (!System.Text.Unicode.Utf8.IsValid(value.Bytes))
        {
            return new CorpusCase(name, field.Rpc, payload, CorpusOutcome.Invalid, field.Rpc == CorpusRpc.ReportEvents ? "events[0]." + field.Name : field.Name);
        }

        CorpusOutcome expected;
        if (decoded.Length > field.Max)
        {
            expected = field.Rpc == CorpusRpc.ReportEvents ? CorpusOutcome.Rejected : CorpusOutcome.Invalid;
        }
        else if (field.Kind == FieldKind.Opaque)
        {
            expected = CorpusOutcome.Ok;
        }
        else
        {
            expected = field.Rpc == CorpusRpc.ReportEvents ? CorpusOutcome.AcceptedOrRejected : CorpusOutcome.OkOrInvalid;
        }

        return new CorpusCase(name, field.Rpc, payload, expected, field.Name);
    }

    private static SuggestRequest BaseSuggest() => new() { Prefix = "la" };

    private static DeleteHistoryRequest BaseDeleteHistory() => new() { DeviceId = "corpus-device", Query = "laptop" };

    private static CorrectRequest BaseCorrect() => new() { Query = "laptop" };

    private static DiscoverRequest BaseDiscover() => new() { Stage = Stage.BeforeSearch };

    /// <summary>A valid search event with a unique id per case (the same id on every pass, so repeats are duplicates).</summary>
    private static Event BaseEvent(string caseName) => new()
    {
        EventId = "corpus-" + caseName,
        Type = EventType.SearchSubmitted,
        Time = Timestamp.FromDateTimeOffset(Now.AddMinutes(-1)),
        UserId = "corpus-user",
        Query = "laptop",
    };

    private static byte[] ManyEvents(int count)
        => Concat(Enumerable.Range(0, count).Select(static i => Str(1, BaseEvent("many-" + i).ToByteArray())).ToArray());

    private static CorpusCase Invalid(string name, CorpusRpc rpc, byte[] baseBytes, string field, params byte[][] extra)
        => new(name, rpc, Concat([baseBytes, .. extra]), CorpusOutcome.Invalid, field);

    private static CorpusCase Ok(string name, CorpusRpc rpc, byte[] payload) => new(name, rpc, payload, CorpusOutcome.Ok, null);

    /// <summary>A ReportEvents request holding the one event whose bytes are given.</summary>
    private static byte[] Events(byte[] eventBytes) => Str(1, eventBytes);

    /// <summary>The bytes at <paramref name="path"/> (field numbers of nested messages, outermost first).</summary>
    private static byte[] Nested(int[] path, byte[] value)
    {
        var bytes = Str(path[^1], value);
        for (var i = path.Length - 2; i >= 0; i--)
        {
            bytes = Str(path[i], bytes);
        }

        return bytes;
    }

    private static byte[] Str(int field, string value) => Str(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Str(int field, byte[] value) => Write(o =>
    {
        o.WriteTag(field, (WireFormat.WireType)LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(value));
    });

    private static byte[] Int(int field, long value) => Write(o =>
    {
        o.WriteTag(field, (WireFormat.WireType)Varint);
        o.WriteInt64(value);
    });

    private static byte[] Repeat(int field, string prefix, int count)
        => Concat(Enumerable.Range(0, count).Select(i => Str(field, prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());

    private static byte[] Packed(int field, IEnumerable<int> values)
    {
        var inner = Write(o =>
        {
            foreach (var v in values)
            {
                o.WriteInt32(v);
            }
        });
        return Str(field, inner);
    }

    private static byte[] Write(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(static p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }
}
