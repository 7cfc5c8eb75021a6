using System.Data.Common;
using System.Text.RegularExpressions;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Removes secrets from text before it is shown: known secret values (from the loaded
/// configuration), and anything that looks like a key, password, signature or bearer token.
/// Immutable and thread-safe.
/// </summary>
public sealed partial class SecretRedactor
{
    /// <summary>What a hidden value is shown as.</summary>
    public const string Mask = "***";

    private static readonly HashSet<string> SensitiveKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "AccountKey", "SharedAccessSignature", "SharedAccessKey", "Password", "Pwd", "sig",
        "AccessToken", "ClientSecret", "Token", "Secret", "Key",
    };

    private readonly string[] _secrets;

    /// <summary>A redactor that knows no values, only the patterns.</summary>
    public static readonly SecretRedactor PatternsOnly = new([]);

    public SecretRedactor(IEnumerable<string?> secretValues)
    {
        // Longest first, so a secret that contains another is masked whole. Very short values
        // would mask ordinary words; they are still never shown by the settings view itself.
        _secrets = secretValues
            .Where(s => !string.IsNullOrWhiteSpace(s) && s.Length >= 4)
            .Select(s => s!)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    /// <summary>A redactor that also knows <paramref name="secretValues"/> (secrets read later, such as from Key Vault).</summary>
    public SecretRedactor With(IEnumerable<string?> secretValues) => new(_secrets.Concat(secretValues));

    /// <summary>Masks every known secret value and every key-like pattern in <paramref name="text"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        text = KeyValuePattern().Replace(text, m => m.Groups["key"].Value + m.Groups["sep"].Value + Mask);
        text = UserInfoPattern().Replace(text, m => m.Groups["scheme"].Value + Mask + "@");
        text = BearerPattern().Replace(text, "Bearer " + Mask);
        return JwtPattern().Replace(text, Mask);
    }

    /// <summary>
    /// Shows a connection string with its secret parts masked, keys as written; anything that is
    /// not a well-formed connection string is masked whole.
    /// </summary>
    public static string RedactConnectionString(string connectionString)
    {
        try
        {
            // The framework's parser decides what is well formed (quoting, escapes) ...
            _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return Mask;
        }

        // ... and the same grammar, walked here, keeps the original key spelling in the output.
        var shown = ConnectionStringPart().Replace(connectionString, m =>
            SensitiveKeys.Contains(m.Groups["key"].Value.Trim()) ? m.Groups["key"].Value + "=" + Mask : m.Value);
        return shown;
    }

    // key=value, where value is "double quoted", 'single quoted' (quotes doubled inside) or runs to the next ';'.
    [GeneratedRegex(@"(?<key>[^;=]+)=(?<value>""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;]*)", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringPart();

    [GeneratedRegex(@"(?<key>\b(?:AccountKey|SharedAccessSignature|SharedAccessKey|Password|Pwd|sig|AccessToken|ClientSecret|client_secret|access_token)\b)(?<sep>""?\s*[=:]\s*""?)[^;&""\s,]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValuePattern();

    // The user information of a URI (https://user:password@host): a password in a URI is still a password.
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s:]+:[^/@\s]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfoPattern();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerPattern();

    // A JWT: three base64url parts, the first starting with {" encoded.
    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex JwtPattern();
}
