namespace VmEventOps.Engine.Identity;

/// <summary>Compares token audiences and scopes: <c>https://vault.azure.net</c>, <c>https://vault.azure.net/</c> and <c>https://vault.azure.net/.default</c> are one audience.</summary>
internal static class TokenAudience
{
    // ARM answers to two audiences in each cloud: its endpoint and the classic "management.core" one (az account get-access-token gives the latter).
    private static readonly (string, string)[] Aliases =
    [
        ("https://management.azure.com", "https://management.core.windows.net"),
        ("https://management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn"),
        ("https://management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net"),
    ];

    /// <summary>The audience a scope or resource stands for, in a canonical form.</summary>
    public static string Of(string scopeOrResource)
    {
        var text = scopeOrResource.Trim();
        if (text.EndsWith("/.default", StringComparison.OrdinalIgnoreCase)) text = text[..^"/.default".Length];
        return text.TrimEnd('/').ToLowerInvariant();
    }

    /// <summary>The one audience the scopes of a token request stand for, or null when they name several or none.</summary>
    public static string? Requested(IReadOnlyList<string> scopes)
    {
        var audiences = scopes.Select(Of).Distinct(StringComparer.Ordinal).ToArray();
        return audiences.Length == 1 ? audiences[0] : null;
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are one audience (ARM's two names included).</summary>
    public static bool Same(string a, string b)
    {
        var (x, y) = (Of(a), Of(b));
        return x == y || Aliases.Any(p => (p.Item1 == x && p.Item2 == y) || (p.Item1 == y && p.Item2 == x));
    }
}
