namespace VmEventOps.Engine.Configuration;

/// <summary>
/// Whether a storage connection string is one the Azure Storage SDK reads, decided by its parser's rules
/// (Azure.Storage.Common's, which the queue and blob clients share) without building a client: checking a setting must
/// not load and compile the SDK's HTTP pipelines for a command that never calls storage (Get-VmEventConfiguration). The
/// rules: name=value pairs split at ';' (names ignore case, none twice); then either the development storage shorthand,
/// or an account name with exactly one credential (a base64 key or a shared access signature) whose endpoints may be
/// derived, or explicit endpoints with a signature or no credential; every name known and every value valid.
/// <c>StorageConnectionStringFormatTests</c> holds this to the queue client itself. The clients, built on first use, stay
/// the final word (<c>StorageClients</c> turns a refusal into the same setting error): the table client
/// has a parser of its own, laxer in most things and stricter in a few (UseDevelopmentStorage only in lower case).
/// </summary>
internal static class StorageConnectionStringFormat
{
    private const string AccountName = "AccountName";
    private const string AccountKey = "AccountKey";
    private const string AccountKeyName = "AccountKeyName";
    private const string SharedAccessSignature = "SharedAccessSignature";
    private const string Protocol = "DefaultEndpointsProtocol";
    private const string Suffix = "EndpointSuffix";
    private const string Development = "UseDevelopmentStorage";
    private const string DevelopmentProxy = "DevelopmentStorageProxyUri";
    private static readonly string[] Services = ["Blob", "Queue", "File", "Table"];

    public static bool IsValid(string connectionString)
    {
        var parts = Split(connectionString);
        if (parts is null || parts.Count == 0 || !EndpointsAreAcceptable(parts)) return false;
        if (parts.ContainsKey(Development)) return IsDevelopmentStorage(parts);
        if (!parts.Keys.All(IsKnownAndValid(parts))) return false;
        if (!SecondariesHavePrimaries(parts)) return false;
        return IsAccount(parts) ? HasDerivableEndpoints(parts) : HasExplicitEndpoints(parts);
    }

    /// <summary>The name=value pairs as the storage SDK splits them, or null when a part has no '=' or a name is repeated.</summary>
    internal static Dictionary<string, string>? Split(string connectionString)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !parts.TryAdd(part[..equals], part[(equals + 1)..])) return null;
        }

        return parts;
    }

    /// <summary>True when the string says where the blob service is (see <c>StorageClients.Blobs</c>).</summary>
    internal static bool NamesBlobEndpoint(string connectionString)
    {
        var parts = Split(connectionString);
        if (parts is null) return false;
        if (parts.ContainsKey("BlobEndpoint")) return true;
        if (parts.TryGetValue(Development, out var development) && string.Equals(development, "true", StringComparison.OrdinalIgnoreCase)) return true;
        // An account with no endpoint named: the SDK derives every endpoint the same way.
        return !parts.ContainsKey("QueueEndpoint") && !parts.ContainsKey("TableEndpoint") && !parts.ContainsKey("FileEndpoint");
    }

    // The module's own rule on top of the SDKs': an endpoint is an absolute http or https URI with a host and no user
    // information (a password in an endpoint is still a password, and would be sent in clear to that host).
    private static bool EndpointsAreAcceptable(Dictionary<string, string> parts)
    {
        foreach (var (key, value) in parts)
        {
            if (!key.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase)) continue;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint)) return false;
            if (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps) return false;
            if (!string.IsNullOrEmpty(endpoint.UserInfo) || string.IsNullOrEmpty(endpoint.Host) || value.Contains('@', StringComparison.Ordinal)) return false;
        }

        return true;
    }

    // UseDevelopmentStorage=true, optionally with the proxy's URI, and nothing else.
    private static bool IsDevelopmentStorage(Dictionary<string, string> parts) =>
        string.Equals(parts[Development], "true", StringComparison.OrdinalIgnoreCase)
        && parts.Keys.All(key => key.Equals(Development, StringComparison.OrdinalIgnoreCase)
            || (key.Equals(DevelopmentProxy, StringComparison.OrdinalIgnoreCase) && IsWellFormedUri(parts[key])));

    private static Func<string, bool> IsKnownAndValid(Dictionary<string, string> parts) => key =>
    {
        var value = parts[key];
        if (IsEndpointName(key)) return IsWellFormedUri(value);
        if (key.Equals(AccountKey, StringComparison.OrdinalIgnoreCase)) return IsBase64(value);
        if (key.Equals(Protocol, StringComparison.OrdinalIgnoreCase)) return value.Equals("http", StringComparison.OrdinalIgnoreCase) || value.Equals("https", StringComparison.OrdinalIgnoreCase);
        if (key.Equals(Suffix, StringComparison.OrdinalIgnoreCase)) return Uri.CheckHostName(value) == UriHostNameType.Dns;
        return key.Equals(AccountName, StringComparison.OrdinalIgnoreCase) || key.Equals(AccountKeyName, StringComparison.OrdinalIgnoreCase)
            || key.Equals(SharedAccessSignature, StringComparison.OrdinalIgnoreCase);
    };

    private static bool IsEndpointName(string key) =>
        Services.Any(service => key.Equals(service + "Endpoint", StringComparison.OrdinalIgnoreCase) || key.Equals(service + "SecondaryEndpoint", StringComparison.OrdinalIgnoreCase));

    private static bool SecondariesHavePrimaries(Dictionary<string, string> parts) =>
        Services.All(service => !parts.ContainsKey(service + "SecondaryEndpoint") || parts.ContainsKey(service + "Endpoint"));

    // An account name and exactly one credential (a key, its name optional, or a signature): the parser takes this shape
    // first and derives every endpoint it is not given from the name, the protocol (https unless told) and the suffix.
    private static bool IsAccount(Dictionary<string, string> parts)
    {
        var hasKey = parts.ContainsKey(AccountKey);
        return parts.ContainsKey(AccountName) && hasKey != parts.ContainsKey(SharedAccessSignature) && (hasKey || !parts.ContainsKey(AccountKeyName));
    }

    private static bool HasDerivableEndpoints(Dictionary<string, string> parts)
    {
        var account = parts[AccountName];
        var scheme = parts.TryGetValue(Protocol, out var protocol) ? protocol : "https";
        var suffix = parts.TryGetValue(Suffix, out var given) && given.Length > 0 ? given : "core.windows.net";
        // "{account}[-secondary].{service}.{suffix}" must make URIs for every service not given its endpoint.
        return Services.All(service =>
            parts.ContainsKey(service + "Endpoint")
            || (account.Length > 0 && IsDerivedUri(scheme, $"{account}.{service.ToLowerInvariant()}.{suffix}") && IsDerivedUri(scheme, $"{account}-secondary.{service.ToLowerInvariant()}.{suffix}")));
    }

    // Otherwise explicit endpoints (the queue's among them) with a signature or no credential at all: an account name, or
    // a key, makes the shape above or none (the parser's explicit shape takes them only as that one would); no protocol
    // or suffix to derive with.
    private static bool HasExplicitEndpoints(Dictionary<string, string> parts)
    {
        if (parts.ContainsKey(Protocol) || parts.ContainsKey(Suffix)) return false;
        // The queue client is built from every connection string: where its service is must be known.
        if (!parts.ContainsKey("QueueEndpoint")) return false;
        return !parts.ContainsKey(AccountName) && !parts.ContainsKey(AccountKey) && !parts.ContainsKey(AccountKeyName);
    }

    private static bool IsDerivedUri(string scheme, string host)
    {
        try
        {
            return new UriBuilder(scheme, host).Uri.IsAbsoluteUri;
        }
        catch (UriFormatException)
        {
            return false;
        }
    }

    private static bool IsWellFormedUri(string value) => Uri.IsWellFormedUriString(value, UriKind.Absolute);

    // As the SDK decides it: Convert.FromBase64String, white space inside included.
    private static bool IsBase64(string value)
    {
        try
        {
            _ = Convert.FromBase64String(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
