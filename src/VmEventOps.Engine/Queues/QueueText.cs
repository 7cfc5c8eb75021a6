using System.Text;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// What a queue message can carry. The Storage queue service takes a message as the text of an XML element, so a
/// character XML 1.0 does not allow (C0 controls but tab and line breaks, NUL, U+FFFE, U+FFFF, a lone surrogate) makes
/// it answer 400, whatever the encoding: such text must be escaped or encoded before it is sent. Pure functions.
/// </summary>
public static class QueueText
{
    /// <summary>True when every character of <paramref name="text"/> is one XML 1.0 allows (surrogates only in pairs).</summary>
    public static bool IsCarriable(string text) => FirstProblem(text) < 0;

    /// <summary>True when <paramref name="text"/> holds no lone surrogate (it has a UTF-8 form, byte for byte).</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return false;
        }

        return true;
    }

    /// <summary>
    /// JSON text with every character a queue message cannot carry written as a <c>\uXXXX</c> escape. Inside a JSON
    /// string the escape is the same character, so the JSON means what it meant (a lone surrogate stays one, as its
    /// escape); outside strings such a character made the JSON invalid anyway. Text that needs nothing comes back as is.
    /// </summary>
    public static string EscapeJson(string json)
    {
        var first = FirstProblem(json);
        if (first < 0) return json;
        var builder = new StringBuilder(json.Length + 16);
        builder.Append(json, 0, first);
        for (var i = first; i < json.Length; i++)
        {
            var c = json[i];
            if (char.IsHighSurrogate(c) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
            {
                builder.Append(c).Append(json[++i]);
            }
            else if (IsAllowed(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    // The index of the first character a queue message cannot carry; -1 when there is none.
    private static int FirstProblem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (!IsAllowed(c)) return i;
        }

        return -1;
    }

    // XML 1.0's Char production, one UTF-16 unit at a time (pairs are handled by the callers).
    private static bool IsAllowed(char c) => c is '\t' or '\n' or '\r' or (>= '\u0020' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');
}
