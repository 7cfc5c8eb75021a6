using System.Text.RegularExpressions;

namespace VmEventOps.Engine.Configuration;

/// <summary>
/// A Key Vault reference in the form App Service uses for app settings:
/// <c>@Microsoft.KeyVault(SecretUri=https://{vault}/secrets/{name}[/{version}])</c> or
/// <c>@Microsoft.KeyVault(VaultName={vault};SecretName={name}[;SecretVersion={version}])</c>.
/// The reference names a secret; it is not one, so it may be shown.
/// </summary>
public sealed partial record KeyVaultReference
{
    private const string Prefix = "@Microsoft.KeyVault(";

    private KeyVaultReference(Uri? vaultUri, string vaultName, string secretName, string? version)
    {
        VaultUri = vaultUri;
        VaultName = vaultName;
        SecretName = secretName;
        Version = version;
    }

    /// <summary>The vault's URI when the reference gives one (SecretUri form); null in the VaultName form.</summary>
    public Uri? VaultUri { get; }

    /// <summary>
    /// The vault as shown: in the VaultName form its name; in the SecretUri form the host it is read from, whole (with the
    /// port when it is not 443), so a look-alike such as kv1.vault.azure.net.example.test is shown as what it is.
    /// </summary>
    public string VaultName { get; }

    /// <summary>The secret's name.</summary>
    public string SecretName { get; }

    /// <summary>A pinned version, or null for the current one.</summary>
    public string? Version { get; }

    /// <summary>True for a vault on this machine (an emulator), which receives a token only when KeyVaultAllowedHosts names it.</summary>
    public bool IsLoopback => VaultUri is { } uri && IsLoopbackHost(uri);

    /// <summary>True when <paramref name="text"/> is meant as a Key Vault reference (whether or not it is well formed).</summary>
    public static bool IsReference(string? text) =>
        text is not null && text.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The vault's URI: as given, or built from the vault name and the cloud's Key Vault DNS suffix.</summary>
    public Uri VaultUriIn(string dnsSuffix) => VaultUri ?? new Uri($"https://{VaultName}.{dnsSuffix.Trim('.')}/");

    /// <summary>Reads a reference; on failure returns false and what is wrong (the text is never repeated).</summary>
    public static bool TryParse(string text, out KeyVaultReference? reference, out string? problem)
    {
        reference = null;
        var trimmed = text.Trim();
        if (!IsReference(trimmed) || !trimmed.EndsWith(')'))
        {
            problem = "a Key Vault reference is @Microsoft.KeyVault(SecretUri=https://{vault}/secrets/{name}[/{version}]) or @Microsoft.KeyVault(VaultName={vault};SecretName={name}[;SecretVersion={version}])";
            return false;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var all = trimmed[Prefix.Length..^1].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var index = 0; index < all.Length; index++)
        {
            var part = all[index];
            var equals = part.IndexOf('=');
            var key = equals < 0 ? part : part[..equals].Trim();
            if (equals < 0 || !IsKnownKey(key))
            {
                // The part is not repeated: a secret pasted into the reference by mistake would be shown.
                problem = $"part {index + 1} is not one of SecretUri, VaultName, SecretName and SecretVersion (name=value, separated by semicolons)";
                return false;
            }

            if (!parts.TryAdd(key, part[(equals + 1)..].Trim()))
            {
                problem = $"the reference gives {key.ToLowerInvariant() switch { "secreturi" => "SecretUri", "vaultname" => "VaultName", "secretname" => "SecretName", _ => "SecretVersion" }} twice";
                return false;
            }
        }

        return parts.TryGetValue("SecretUri", out var secretUri)
            ? FromSecretUri(secretUri, parts.Count, out reference, out problem)
            : FromVaultName(parts, out reference, out problem);
    }

    /// <summary>How a setting's source is shown: <c>KeyVault(vault/name)</c>.</summary>
    public override string ToString() => $"KeyVault({VaultName}/{SecretName}{(Version is null ? string.Empty : "/" + Version)})";

    internal static bool IsLoopbackHost(Uri uri) => Configuration.HostAllowList.IsLoopback(uri);

    private static bool IsKnownKey(string key) =>
        key.Equals("SecretUri", StringComparison.OrdinalIgnoreCase) || key.Equals("VaultName", StringComparison.OrdinalIgnoreCase)
        || key.Equals("SecretName", StringComparison.OrdinalIgnoreCase) || key.Equals("SecretVersion", StringComparison.OrdinalIgnoreCase);

    private static bool FromSecretUri(string text, int partCount, out KeyVaultReference? reference, out string? problem)
    {
        reference = null;
        if (partCount > 1)
        {
            problem = "SecretUri cannot be combined with VaultName, SecretName or SecretVersion";
            return false;
        }

        // https://{vault}/secrets/{name}[/{version}][/]: the vault is everything before /secrets.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(uri.UserInfo)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            problem = "SecretUri must be an https URI such as https://kv-name.vault.azure.net/secrets/db-password";
            return false;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length is < 2 or > 3 || !segments[0].Equals("secrets", StringComparison.OrdinalIgnoreCase))
        {
            problem = "SecretUri must have the path /secrets/{name} or /secrets/{name}/{version}";
            return false;
        }

        if (!Valid(segments[1], segments.Length == 3 ? segments[2] : null, out problem)) return false;
        var vaultUri = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
        var vaultName = uri.IsDefaultPort && uri.HostNameType == UriHostNameType.Dns ? uri.IdnHost.ToLowerInvariant() : uri.Authority.ToLowerInvariant();
        reference = new KeyVaultReference(vaultUri, vaultName, segments[1], segments.Length == 3 ? segments[2] : null);
        return true;
    }

    private static bool FromVaultName(Dictionary<string, string> parts, out KeyVaultReference? reference, out string? problem)
    {
        reference = null;
        if (!parts.TryGetValue("VaultName", out var vault) || !parts.TryGetValue("SecretName", out var name))
        {
            problem = "a reference without SecretUri needs both VaultName and SecretName";
            return false;
        }

        if (!VaultNamePattern().IsMatch(vault))
        {
            problem = "VaultName is not a vault name: 3-24 letters, digits and hyphens, starting with a letter";
            return false;
        }

        var version = parts.GetValueOrDefault("SecretVersion");
        if (!Valid(name, string.IsNullOrEmpty(version) ? null : version, out problem)) return false;
        reference = new KeyVaultReference(null, vault.ToLowerInvariant(), name, string.IsNullOrEmpty(version) ? null : version);
        return true;
    }

    private static bool Valid(string name, string? version, out string? problem)
    {
        // Nothing of the reference's text is repeated in a problem: it is the text of a secret setting.
        problem = !SecretNamePattern().IsMatch(name) ? "the secret name is not one: 1-127 letters, digits and hyphens"
            : version is not null && !VersionPattern().IsMatch(version) ? "the secret version is not one: letters and digits"
            : null;
        return problem is null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]\\z", RegexOptions.CultureInvariant)]
    private static partial Regex VaultNamePattern();

    [GeneratedRegex("^[A-Za-z0-9-]{1,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex("^[A-Za-z0-9]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
