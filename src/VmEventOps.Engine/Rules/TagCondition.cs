namespace VmEventOps.Engine.Rules;

/// <summary>
/// A condition on one tag: <c>key</c> (present, any value) or <c>key=pattern</c> (present and its value matching the
/// wildcard pattern: <c>*</c> any run, <c>?</c> one character). Keys and values compare without regard to case.
/// </summary>
public sealed record TagCondition(string Key, string? ValuePattern)
{
    /// <summary>Reads <c>key</c> or <c>key=pattern</c>; null when the key is empty.</summary>
    public static TagCondition? Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var key = (equals < 0 ? text : text[..equals]).Trim();
        if (key.Length == 0) return null;
        return new TagCondition(key, equals < 0 ? null : text[(equals + 1)..].Trim());
    }

    /// <summary>True when <paramref name="tags"/> satisfy the condition; <paramref name="found"/> is the value seen.</summary>
    public bool IsMetBy(IReadOnlyDictionary<string, string> tags, out string? found)
    {
        found = null;
        foreach (var (key, value) in tags)
        {
            if (!string.Equals(key, Key, StringComparison.OrdinalIgnoreCase)) continue;
            found = value;
            return ValuePattern is null || Wildcard.IsMatch(value, ValuePattern);
        }

        return false;
    }

    public override string ToString() => ValuePattern is null ? Key : $"{Key}={ValuePattern}";
}
