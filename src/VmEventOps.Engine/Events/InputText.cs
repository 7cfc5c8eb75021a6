using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace VmEventOps.Engine.Events;

/// <summary>
/// Text that came from a queue message (anyone who can write to the queue chose it), made safe to carry on: into
/// JSON we write (a lone surrogate cannot be encoded), a log line or a history entry (a line break would forge one),
/// and bounded in length. Pure functions.
/// </summary>
public static partial class InputText
{
    /// <summary>What stands for a character that was cut or replaced.</summary>
    public const char Replacement = '\uFFFD';

    /// <summary>
    /// The text with lone surrogates replaced by U+FFFD, control characters (line breaks included) and the Unicode line
    /// separators by a space, and at most <paramref name="maxLength"/> characters (cut ends in '…', never inside a
    /// surrogate pair). Null stays null.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Clean(string? text, int maxLength)
    {
        if (text is null) return null;
        if (maxLength < 1) return string.Empty;
        if (IsClean(text) && text.Length <= maxLength) return text;

        var builder = new StringBuilder(Math.Min(text.Length, maxLength));
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var width = pair ? 2 : 1;
            if (builder.Length + width > maxLength - 1 && i + width < text.Length)
            {
                builder.Append('…');
                return builder.ToString();
            }

            if (pair)
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append(Replacement);
            }
            else
            {
                builder.Append(IsBreaking(c) ? ' ' : c);
            }
        }

        return builder.ToString();
    }

    /// <summary>True when the text holds no lone surrogate, control character or line separator.</summary>
    public static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || IsBreaking(c)) return false;
        }

        return true;
    }

    /// <summary>
    /// An identifier such as a correlation id or a tenant id, kept only when it is one: 1 to 128 letters, digits and
    /// <c>-_.:{}()</c>; anything else (a 50 KB text, line breaks, markup) is dropped, as null.
    /// </summary>
    public static string? Identifier(string? text) => text is { Length: > 0 and <= 128 } && IdentifierShape().IsMatch(text) ? text : null;

    private static bool IsBreaking(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085';

    [GeneratedRegex(@"^[A-Za-z0-9\-_.:{}()]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierShape();
}
