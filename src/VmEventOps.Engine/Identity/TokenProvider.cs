using System.Security;
using Azure.Core;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// The one credential of an identity, per process: built from the settings (AuthMode and what it
/// needs), with its token cache, shared by the queue, table and ARM clients and by Get-VmAccessToken.
/// Many runspaces share it; it carries no invocation's state.
/// </summary>
public sealed class TokenProvider
{
    private readonly VmEventOptions _options;
    private readonly CredentialChain _chain;
    private readonly CachingCredential _cache;

    internal TokenProvider(VmEventOptions options, TimeProvider time)
    {
        _options = options;
        _chain = new CredentialChain(CredentialFactory.For(options.Identity, time));
        _cache = new CachingCredential(_chain, time);
    }

    /// <summary>The credential every Azure SDK client of this identity uses.</summary>
    internal TokenCredential Credential => _cache;

    /// <summary>
    /// What makes two settings the same identity: every setting the catalog marks as one (<see cref="SettingAttribute.Identity"/>),
    /// secret ones hashed. Nothing is listed by hand here.
    /// </summary>
    internal static string IdentityKey(VmEventOptions options) => SettingsCatalog.Key(options, s => s.IsIdentity);

    /// <summary>Builds the credential of these settings (validating the mode's settings now, so a missing one is reported before any request).</summary>
    internal static TokenProvider Build(VmEventOptions options)
    {
        try
        {
            return new TokenProvider(options, TimeProvider.System);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            // A wrong password or an unreadable certificate file; the exception's text names neither the password nor the key.
            throw new VmEventOpsException(
                ErrorIds.AuthCertificateInvalid,
                VmErrorCategory.AuthenticationError,
                $"The service principal certificate ClientCertificatePath {options.Identity.ClientCertificatePath} cannot be read{(string.IsNullOrEmpty(options.Identity.ClientCertificatePassword) ? string.Empty : " with the ClientCertificatePassword given")}: {IdentityFailure.Describe(e)}",
                nameof(VmEventOptions.ClientCertificatePath),
                e);
        }
    }

    /// <summary>The audience of tokens for a service, in this cloud.</summary>
    public string AudienceFor(TokenResourceType type) => type switch
    {
        TokenResourceType.Arm => (_options.Arm.ArmAudience ?? _options.Arm.ArmEndpoint).AbsoluteUri,
        TokenResourceType.Storage => "https://storage.azure.com/",
        TokenResourceType.KeyVault => AzureCloud.KeyVaultAudience(_options),
        TokenResourceType.Sql => "https://database.windows.net/",
        TokenResourceType.Automation => "https://automation.azure.com/",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Gets a token (from the cache while it has more than five minutes left).</summary>
    public async Task<VmAccessToken> GetTokenAsync(AccessTokenRequest request, IHostLog log, CancellationToken cancellationToken)
    {
        var resource = request.Resource ?? AudienceFor(request.ResourceType);
        var scope = ScopeFor(resource);
        var tenant = request.TenantId ?? _options.Identity.TenantId;
        log.Verbose($"Getting a token for {scope} with AuthMode {_options.Identity.AuthMode}{(tenant is null ? string.Empty : $" in tenant {tenant}")}.");
        var (token, fromCache) = await _cache.GetAsync(new TokenRequestContext([scope], tenantId: tenant), request.ForceRefresh, cancellationToken).ConfigureAwait(false);
        var claims = JwtClaims.Read(token.Token);
        var mode = _chain.Selected ?? _options.Identity.AuthMode;
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
}
