using System.Collections.Concurrent;
using Azure.Core;

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

    private readonly ConcurrentDictionary<string, Lazy<Task<AccessToken>>> _tokens = new(StringComparer.Ordinal);

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
        while (true)
        {
            var entry = _tokens.GetOrAdd(key, _ => Fetch(requestContext));
            var fresh = !entry.IsValueCreated || !entry.Value.IsCompleted;
            try
            {
                // The request itself is not cancelled with one caller: others may be waiting for it.
                var token = await entry.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (fresh) return (token, false); // as new as it gets, whatever its lifetime
                if (!forceRefresh && token.ExpiresOn - time.GetUtcNow() > RefreshMargin) return (token, true);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _tokens.TryRemove(KeyValuePair.Create(key, entry));
                throw;
            }

            // Stale, or a refresh was asked for: drop this entry (unless another caller already replaced it) and fetch anew.
            forceRefresh = false;
            _tokens.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    private Lazy<Task<AccessToken>> Fetch(TokenRequestContext requestContext) =>
        new(() => inner.GetTokenAsync(requestContext, CancellationToken.None).AsTask(), LazyThreadSafetyMode.ExecutionAndPublication);
}
