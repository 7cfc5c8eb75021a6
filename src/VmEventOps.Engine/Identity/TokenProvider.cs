using System.Collections.Concurrent;
using System.Security;
using Azure.Core;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// The one credential of an identity, per process: built from the settings (AuthMode and what it
/// needs), with its token cache, shared by the queue, table and ARM clients and by Get-VmAccessToken.
/// Many runspaces share it; it carries no invocation's state.
/// </summary>
public sealed class TokenProvider
{
    private static readonly ConcurrentDictionary<string, Lazy<TokenProvider>> Providers = new(StringComparer.Ordinal);

    private readonly VmEventOptions _options;
    private readonly CredentialChain _chain;
    private readonly CachingCredential _cache;

    internal TokenProvider(VmEventOptions options, TimeProvider time)
    {
        _options = options;
        _chain = new CredentialChain(CredentialFactory.For(options, time));
        _cache = new CachingCredential(_chain, time);
    }

    /// <summary>The credential every Azure SDK client of this identity uses.</summary>
    internal TokenCredential Credential => _cache;

    /// <summary>The provider of the identity these settings describe (created once per process).</summary>
    public static TokenProvider For(VmEventOptions options)
    {
        // Validates the mode's settings now, so a missing one is reported before any request.
        var key = IdentityKey(options);
        try
        {
            return Providers.GetOrAdd(key, _ => new Lazy<TokenProvider>(() => new TokenProvider(options, TimeProvider.System))).Value;
        }
        catch (VmEventOpsException)
        {
            Providers.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>The audience of tokens for a service, in this cloud.</summary>
    public string AudienceFor(TokenResourceType type) => type switch
    {
        TokenResourceType.Arm => (_options.ArmAudience ?? _options.ArmEndpoint).AbsoluteUri,
        TokenResourceType.Storage => "https://storage.azure.com/",
        TokenResourceType.KeyVault => "https://vault.azure.net",
        TokenResourceType.Sql => "https://database.windows.net/",
        TokenResourceType.Automation => "https://automation.azure.com/",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Gets a token (from the cache while it has more than five minutes left).</summary>
    public async Task<VmAccessToken> GetTokenAsync(AccessTokenRequest request, IHostLog log, CancellationToken cancellationToken)
    {
        var resource = request.Resource ?? AudienceFor(request.ResourceType);
        var scope = ScopeFor(resource);
        var tenant = request.TenantId ?? _options.TenantId;
        log.Verbose($"Getting a token for {scope} with AuthMode {_options.AuthMode}{(tenant is null ? string.Empty : $" in tenant {tenant}")}.");
        var (token, fromCache) = await _cache.GetAsync(new TokenRequestContext([scope], tenantId: tenant), request.ForceRefresh, cancellationToken).ConfigureAwait(false);
        var claims = JwtClaims.Read(token.Token);
        var mode = _chain.Selected ?? _options.AuthMode;
        log.Verbose($"{mode} answered{(fromCache ? " from the cache" : string.Empty)}; the token expires at {token.ExpiresOn:u}.");
        return new VmAccessToken
        {
            Token = request.AsPlainText ? token.Token : ToSecureString(token.Token),
            ExpiresOn = token.ExpiresOn,
            Resource = resource,
            TenantId = claims.TenantId ?? tenant,
            ObjectId = claims.ObjectId,
            ClientId = claims.AppId,
            IdentityType = claims.IdentityType,
            AuthMode = mode,
            FromCache = fromCache,
        };
    }

    /// <summary>The scope for a resource URI: <c>{resource}/.default</c>.</summary>
    public static string ScopeFor(string resource) =>
        resource.EndsWith("/.default", StringComparison.OrdinalIgnoreCase) ? resource : resource.TrimEnd('/') + "/.default";

    private static SecureString ToSecureString(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    // What makes two settings the same identity. A passed-in token is part of it (hashed: the key is never shown).
    private static string IdentityKey(VmEventOptions o) => string.Join("|",
        o.AuthMode, o.TenantId, o.ClientId, o.ManagedIdentityClientId, o.ManagedIdentityResourceId, o.AuthorityHost, o.ArmEndpoint, o.ArmAudience, o.ClientCertificatePath,
        Hash(o.ClientSecret), Hash(o.AccessToken));

    private static string Hash(string? secret) => secret is null
        ? string.Empty
        : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
}
