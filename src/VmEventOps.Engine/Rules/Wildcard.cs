using System.Text;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// Wildcard patterns of rules: <c>*</c> matches any run of characters, <c>?</c> one character (a whole code point), the
/// rest itself without regard to case. Linear in the text's length (no regular expression, no backtracking blow-up).
/// </summary>
public static class Wildcard
{
    /// <summary>True when the whole of <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string text, string pattern)
    {
        var t = Runes(text);
        var p = Runes(pattern);
        int ti = 0, pi = 0, star = -1, resume = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && p[pi] != '*' && (p[pi] == '?' || Same(p[pi], t[ti])))
            {
                ti++;
                pi++;
            }
            else if (pi < p.Length && p[pi] == '*')
            {
                star = pi++;
                resume = ti;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                ti = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    private static bool Same(int a, int b) =>
        a == b || (Rune.IsValid(a) && Rune.IsValid(b) && Rune.ToUpperInvariant(new Rune(a)) == Rune.ToUpperInvariant(new Rune(b)));

    // Code points, so '?' takes a character outside the BMP whole; a lone surrogate stands for itself.
    private static int[] Runes(string text)
    {
        var runes = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                runes.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                i++;
            }
            else
            {
                runes.Add(text[i]);
            }
        }

        return runes.ToArray();
    }
}
