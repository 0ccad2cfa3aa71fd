using System.Globalization;
using System.Text;

namespace QueryRec.Serving.Events;

/// <summary>
/// The form in which a rejection echoes a client's event id: at most <see cref="MaxLength"/> characters of it, control
/// characters escaped (<c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\u0000</c>), and a <c>…(+N chars)</c> marker when the id
/// was cut. A rejected id is by definition untrusted: echoed raw, a 64 KiB id would make the response as large as the
/// request, and a CR/LF in it would forge lines in whatever log or terminal prints the response.
/// </summary>
internal static class EventIdEcho
{
    /// <summary>The most characters of the id echoed, escapes counted as the characters they print.</summary>
    public const int MaxLength = 128;

    /// <summary>The echo of <paramref name="eventId"/>; the id itself when it is short and has no control character.</summary>
    public static string Of(string eventId)
    {
        if (eventId.Length <= MaxLength && !HasControl(eventId))
        {
            return eventId;
        }

        var builder = new StringBuilder(MaxLength + 24);
        var used = 0;
        while (used < eventId.Length)
        {
            var escaped = Escape(eventId[used]);
            if (builder.Length + (escaped?.Length ?? 1) > MaxLength)
            {
                break;
            }

            // A surrogate pair is kept whole or cut whole: half a pair is not valid UTF-8 on the wire.
            if (char.IsHighSurrogate(eventId[used]) && used + 1 < eventId.Length && char.IsLowSurrogate(eventId[used + 1]))
            {
                if (builder.Length + 2 > MaxLength)
                {
                    break;
                }

                builder.Append(eventId, used, 2);
                used += 2;
                continue;
            }

            if (escaped is null)
            {
                builder.Append(eventId[used]);
            }
            else
            {
                builder.Append(escaped);
            }

            used++;
        }

        if (used < eventId.Length)
        {
            builder.Append(CultureInfo.InvariantCulture, $"…(+{eventId.Length - used} chars)");
        }

        return builder.ToString();
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (Escape(c) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The printable escape of <paramref name="c"/>, or null when it prints as itself.</summary>
    private static string? Escape(char c) => c switch
    {
        '\r' => "\\r",
        '\n' => "\\n",
        '\t' => "\\t",
        // Line and paragraph separators and the C0/C1 controls all break or hide lines in a log or a terminal.
        _ when char.IsControl(c) || c is '\u2028' or '\u2029' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
        _ => null,
    };
}
