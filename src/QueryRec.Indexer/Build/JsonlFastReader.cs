using System.Buffers;
using System.Text;
using System.Text.Json;
using QueryRec.Core;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Build;

/// <summary>
/// The build's JSONL reader: reads UTF-8 bytes and hands each event to the aggregator (or another <see cref="IEventSink"/>) as spans, without
/// allocating a string or a <see cref="LogEvent"/> per line. It accepts only the plain shape the writer emits
/// (known properties, unescaped strings, lower-case type, <c>yyyy-MM-ddTHH:mm:ss[.fff]Z</c> times, ASCII
/// user ids); any other line goes to <see cref="JsonlEventFormat.ParseLine"/>, so the accepted events and
/// the reported bad lines are exactly those of the generic reader.
/// </summary>
internal sealed class JsonlFastReader(IEventSink aggregator, Action<ImportError> onBadLine)
{
    private byte[] _unescaped = new byte[4096];

    private const int MaxChars = Limits.MaxQueryLength;

    /// <summary>Lines parsed on the fast path.</summary>
    public long FastLines { get; private set; }

    /// <summary>Lines handed to the generic parser (valid or not).</summary>
    public long SlowLines { get; private set; }

    /// <summary>Bad lines.</summary>
    public long BadLines { get; private set; }

    /// <summary>Reads the whole stream; <paramref name="progress"/> gets the bytes consumed now and then.</summary>
    public void Read(Stream stream, Action<long>? progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int start = 0, end = 0;
            long lineNumber = 0, consumed = 0;
            var first = true;
            while (true)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var n = stream.Read(buffer, end, buffer.Length - end);
                var eof = n == 0;
                end += n;
                if (first && end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    start = 3; // UTF-8 byte order mark
                }

                first = false;
                while (true)
                {
                    var nl = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                    if (nl < 0)
                    {
                        if (!eof)
                        {
                            break;
                        }

                        if (start < end)
                        {
                            lineNumber = Line(buffer.AsSpan(start, end - start), lineNumber);
                        }

                        start = end;
                        break;
                    }

                    lineNumber = Line(buffer.AsSpan(start, nl - start), lineNumber);
                    consumed += nl + 1 - start;
                    start = nl + 1;
                    if ((lineNumber & 0xFFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        progress?.Invoke(consumed);
                    }
                }

                if (eof)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Handles one physical line (without '\n'); returns the last line number used.</summary>
    private long Line(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.IndexOf((byte)'\r') >= 0)
        {
            // A lone '\r' ends a line for TextReader.ReadLine: follow it exactly on the generic path.
            foreach (var part in Encoding.UTF8.GetString(line).Split('\r'))
            {
                lineNumber++;
                Slow(part, lineNumber);
            }

            return lineNumber;
        }

        lineNumber++;
        if (line.IndexOfAnyExcept(" \t"u8) < 0)
        {
            return lineNumber; // blank
        }

        if (!TryFast(line))
        {
            Slow(Encoding.UTF8.GetString(line), lineNumber);
        }

        return lineNumber;
    }

    private void Slow(string line, long lineNumber)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        SlowLines++;
        var item = JsonlEventFormat.ParseLine(line, lineNumber);
        if (item.Error is { } error)
        {
            BadLines++;
            onBadLine(error);
        }
        else
        {
            aggregator.Add(item.Event!);
        }
    }

    private bool TryFast(ReadOnlySpan<byte> line)
    {
        ReadOnlySpan<byte> type = default, user = default, query = default, time = default, item = default, category = default;
        int results = -1;
        double amount = 0;
        var seen = 0;

        // Escaped string values (\uXXXX for non-ASCII text, as System.Text.Json writes by default) are
        // unescaped into this buffer; unescaping never makes a value longer.
        if (_unescaped.Length < line.Length)
        {
            _unescaped = new byte[Math.Max(line.Length, _unescaped.Length * 2)];
        }

        var unescapedUsed = 0;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped)
                {
                    return false;
                }

                var name = reader.ValueSpan;
                var bit = name.SequenceEqual("type"u8) ? 1
                    : name.SequenceEqual("user"u8) ? 2
                    : name.SequenceEqual("query"u8) ? 4
                    : name.SequenceEqual("time"u8) ? 8
                    : name.SequenceEqual("item"u8) ? 16
                    : name.SequenceEqual("category"u8) ? 32
                    : name.SequenceEqual("results"u8) ? 64
                    : name.SequenceEqual("amount"u8) ? 128
                    : 0;
                if (bit == 0 || (seen & bit) != 0 || !reader.Read())
                {
                    return false; // unknown or repeated property: the generic path decides
                }

                seen |= bit;
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (bit <= 32)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return false;
                    }

                    ReadOnlySpan<byte> value;
                    if (reader.ValueIsEscaped)
                    {
                        var written = reader.CopyString(_unescaped.AsSpan(unescapedUsed));
                        value = _unescaped.AsSpan(unescapedUsed, written);
                        unescapedUsed += written;
                    }
                    else
                    {
                        value = reader.ValueSpan;
                    }

                    switch (bit)
                    {
                        case 1: type = value; break;
                        case 2: user = value; break;
                        case 4: query = value; break;
                        case 8: time = value; break;
                        case 16: item = value; break;
                        default: category = value; break;
                    }
                }
                else if (reader.TokenType != JsonTokenType.Number)
                {
                    return false;
                }
                else if (bit == 64)
                {
                    if (!reader.TryGetInt32(out results) || results < 0)
                    {
                        return false;
                    }
                }
                else
                {
                    if (!reader.TryGetDecimal(out var d))
                    {
                        return false;
                    }

                    amount = (double)d;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        LogEventType eventType;
        if (type.SequenceEqual("search"u8))
        {
            eventType = LogEventType.Search;
        }
        else if (type.SequenceEqual("click"u8))
        {
            eventType = LogEventType.Click;
        }
        else if (type.SequenceEqual("cart"u8))
        {
            eventType = LogEventType.Cart;
        }
        else if (type.SequenceEqual("order"u8))
        {
            eventType = LogEventType.Order;
        }
        else
        {
            return false;
        }

        if (!TryParseTime(time, out var ticks)
            || user.IsEmpty || user.Length > Limits.MaxIdLength || !IsAsciiNotBlank(user)
            || query.Length > MaxChars || item.Length > Limits.MaxIdLength || category.Length > Limits.MaxIdLength)
        {
            return false;
        }

        Span<char> userChars = stackalloc char[Limits.MaxIdLength];
        Span<char> queryChars = stackalloc char[MaxChars];
        Span<char> itemChars = stackalloc char[Limits.MaxIdLength];
        Span<char> categoryChars = stackalloc char[Limits.MaxIdLength];
        var u = userChars[..Encoding.UTF8.GetChars(user, userChars)];
        var q = queryChars[..Encoding.UTF8.GetChars(query, queryChars)];
        if (eventType == LogEventType.Search && q.IsWhiteSpace())
        {
            return false;
        }

        var it = itemChars[..Encoding.UTF8.GetChars(item, itemChars)];
        var c = categoryChars[..Encoding.UTF8.GetChars(category, categoryChars)];
        FastLines++;
        aggregator.Add(eventType, u, q, ticks, it, c, results, amount);
        return true;
    }

    private static bool IsAsciiNotBlank(ReadOnlySpan<byte> s)
    {
        var blank = true;
        foreach (var b in s)
        {
            if (b >= 0x80)
            {
                return false;
            }

            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C))
            {
                blank = false;
            }
        }

        return !blank;
    }

    /// <summary>Parses <c>yyyy-MM-ddTHH:mm:ssZ</c> or <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> as UTC ticks.</summary>
    internal static bool TryParseTime(ReadOnlySpan<byte> s, out long ticks)
    {
        ticks = 0;
        if (!(s.Length == 20 || (s.Length == 24 && s[19] == '.')) || s[^1] != 'Z'
            || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var ms = 0;
        if (s.Length == 24 && !Digits(s, 20, 3, out ms))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        ticks = new DateTime(year, month, day, hour, minute, second, ms, DateTimeKind.Utc).Ticks;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int at, int count, out int value)
    {
        value = 0;
        for (var i = at; i < at + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }
}
