using System.Data.Common;
using System.Text.RegularExpressions;
using VmEventOps.Engine.Errors;

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

    // Words in a key name (a header, a connection string part) that make its value a secret.
    private static readonly string[] SensitiveWords = ["key", "token", "secret", "password", "pwd", "auth", "signature", "sig", "credential"];

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
    public SecretRedactor With(IEnumerable<string?> secretValues) => new(_secrets.Concat(secretValues.SelectMany(WithParts)));

    /// <summary>
    /// A redactor that knows every secret value of <paramref name="options"/> — each setting marked secret in the catalog,
    /// Key Vault values once resolved into them — and the secret parts of each (a connection string's AccountKey, a
    /// header's value), as well as the patterns. For any text that leaves the process: envelopes, state, results, logs.
    /// </summary>
    public static SecretRedactor ForOptions(VmEventOptions options) =>
        new(SettingsCatalog.All.Where(s => s.IsSecret).Select(s => s.Property.GetValue(options) as string)
            .Concat(Configuration.RuleSecrets.In(options.Rules)).SelectMany(WithParts));

    /// <summary>The number of secret values this redactor knows (for tests and diagnostics; never the values).</summary>
    public int KnownSecretCount => _secrets.Length;

    /// <summary>
    /// <paramref name="exception"/> as it may be shown: the same instance when no message in its chain holds a secret,
    /// else a copy whose messages (its own and every inner exception's) are redacted, keeping the error id, category,
    /// target, transience and the chain's types and stack traces.
    /// </summary>
    public Exception Redact(Exception exception)
    {
        if (!NeedsRedaction(exception)) return exception;
        var inner = exception.InnerException is { } innerException ? Redact(innerException) : null;
        var message = Redact(exception.Message);
        return exception is Errors.VmEventOpsException known
            ? new Errors.VmEventOpsException(known.ErrorId, known.Category, message, known.Target is string target ? Redact(target) : known.Target, inner)
            {
                IsTransient = known.IsTransient,
                RetryAfter = known.RetryAfter,
            }
            : new RedactedException(exception.GetType().FullName ?? exception.GetType().Name, message, Redact(exception.StackTrace), inner);
    }

    private bool NeedsRedaction(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!string.Equals(Redact(e.Message), e.Message, StringComparison.Ordinal)) return true;
            if (e.StackTrace is { } trace && !string.Equals(Redact(trace), trace, StringComparison.Ordinal)) return true;
            if (e is AggregateException { InnerExceptions.Count: > 1 }) return true; // only the first inner exception is kept in a copy
            if (e is Errors.VmEventOpsException { Target: string target } && !string.Equals(Redact(target), target, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    /// <summary>
    /// The parts of a file path that look like a URI's user information (<c>/https:/user:password@host</c>, as a URI
    /// given where a path belongs becomes once made absolute): secrets for a redactor, though the path is no secret setting.
    /// </summary>
    public static IEnumerable<string> UserInfoInPath(string path) =>
        PathUserInfoPattern().Matches(path).Select(m => m.Groups["info"].Value).Where(v => v.Length > 0);

    // A secret and the parts of it that may appear on their own: the values of sensitive keys (AccountKey=..., x-api-key=...).
    private static IEnumerable<string?> WithParts(string? secret)
    {
        yield return secret;
        if (string.IsNullOrEmpty(secret) || !secret.Contains('=')) yield break;
        foreach (var pair in secret.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) continue;
            var key = pair[..equals].Trim();
            if (SensitiveKeys.Contains(key) || SensitiveWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase)))
            {
                var value = pair[(equals + 1)..].Trim().Trim('"', '\'');
                yield return value;
                if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) yield return value["Bearer ".Length..].Trim();
            }
        }
    }

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
        text = LooseUserInfoPattern().Replace(text, Mask + "@");
        text = BearerPattern().Replace(text, "Bearer " + Mask);
        return JwtPattern().Replace(text, Mask);
    }

    /// <summary>
    /// Text from outside (a setting's value) as an error message may quote it: credentials masked by pattern first, then
    /// cut to <paramref name="length"/> characters, control characters and broken surrogates shown as '?', so a quote can
    /// neither carry a secret nor forge a line of a log.
    /// </summary>
    public static string Quote(string text, int length = 80)
    {
        var redacted = PatternsOnly.Redact(text.Trim());
        var cut = redacted.Length <= length ? redacted : redacted[..(length - 3)] + "...";
        var chars = cut.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsControl(chars[i]) || char.IsSurrogate(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
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

    // The user information of a URI (https://user:password@host, https://token@host): a password in a URI is still a password.
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfoPattern();

    // "user:password@" however the URI around it is malformed (no scheme, https:\\user:..., https:/user:..., a path made of
    // a URI): a run without separators, holding a colon, that ends in '@' and starts at the text's start or after a separator
    // (a mailto: address is an address, not user information).
    [GeneratedRegex(@"(?<![^\s'""/\\(<\[,;=])(?!mailto:)[^\s'""/\\@:]*:[^\s'""/\\@]*@", RegexOptions.CultureInvariant)]
    private static partial Regex LooseUserInfoPattern();

    // A path segment "user:password@" (no slash, at least one colon before the @).
    [GeneratedRegex(@"(?<=[/\\])(?<info>[^/\\@:]*:[^/\\@]*)@", RegexOptions.CultureInvariant)]
    private static partial Regex PathUserInfoPattern();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerPattern();

    // A JWT: three base64url parts, the first starting with {" encoded.
    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex JwtPattern();
}
