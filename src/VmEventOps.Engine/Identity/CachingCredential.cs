using Azure.Core;
using VmEventOps.Engine.Caching;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// One token per (scope, tenant), reused until five minutes before it expires; concurrent callers
/// of a missing or stale token share one request. Every SDK client of the process (queues, tables,
/// ARM) gets tokens through one instance per identity, so a burst costs one token request per resource.
/// </summary>
internal sealed class CachingCredential(TokenCredential inner, TimeProvider time) : TokenCredential
{
    /// <summary>How long before expiry a token is renewed.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SingleFlightCache<string, AccessToken> _tokens = new(StringComparer.Ordinal);

    /// <summary>The credential that does the work.</summary>
    public TokenCredential Inner => inner;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        (await GetAsync(requestContext, forceRefresh: false, cancellationToken).ConfigureAwait(false)).Token;

    /// <summary>A token and whether it came from the cache.</summary>
    public async Task<(AccessToken Token, bool FromCache)> GetAsync(TokenRequestContext requestContext, bool forceRefresh, CancellationToken cancellationToken)
    {
        var key = string.Join(" ", requestContext.Scopes) + "|" + requestContext.TenantId;
        var (token, created) = await _tokens.GetAsync(
            key,
            () => inner.GetTokenAsync(requestContext, CancellationToken.None).AsTask(),
            kept => kept.ExpiresOn - time.GetUtcNow() > RefreshMargin,
            forceRefresh,
            cancellationToken).ConfigureAwait(false);
        return (token, !created);
    }
}
