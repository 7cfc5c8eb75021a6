using Azure.Core;
using VmEventOps.Engine.Identity;

namespace VmEventOps.Engine.Tests.Identity;

public sealed class CachingCredentialTests
{
    private sealed class CountingCredential(TimeSpan lifetime) : TokenCredential
    {
        private int _calls;

        public int Calls => _calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _calls);
            await Task.Delay(50, cancellationToken);
            return new AccessToken($"token-{n}-{requestContext.Scopes[0]}", DateTimeOffset.UtcNow.Add(lifetime));
        }
    }

    [Fact]
    public async Task Get_ForDifferentScopesAndTenants_ShouldKeepOneTokenEach()
    {
        var inner = new CountingCredential(TimeSpan.FromHours(1));
        var cache = new CachingCredential(inner, TimeProvider.System);

        await cache.GetAsync(new TokenRequestContext(["a/.default"]), false, CancellationToken.None);
        await cache.GetAsync(new TokenRequestContext(["b/.default"]), false, CancellationToken.None);
        await cache.GetAsync(new TokenRequestContext(["a/.default"], tenantId: "t2"), false, CancellationToken.None);
        var again = await cache.GetAsync(new TokenRequestContext(["a/.default"]), false, CancellationToken.None);

        Assert.Equal(3, inner.Calls);
        Assert.True(again.FromCache);
    }

    [Fact]
    public async Task Get_WithForceRefresh_ShouldAskAgain()
    {
        var inner = new CountingCredential(TimeSpan.FromHours(1));
        var cache = new CachingCredential(inner, TimeProvider.System);

        await cache.GetAsync(new TokenRequestContext(["a/.default"]), false, CancellationToken.None);
        var refreshed = await cache.GetAsync(new TokenRequestContext(["a/.default"]), true, CancellationToken.None);

        Assert.Equal(2, inner.Calls);
        Assert.False(refreshed.FromCache);
    }

    [Fact]
    public async Task Get_WhenOneWaitingCallerIsCancelled_ShouldNotCancelTheSharedRequest()
    {
        var inner = new CountingCredential(TimeSpan.FromHours(1));
        var cache = new CachingCredential(inner, TimeProvider.System);
        using var cancelled = new CancellationTokenSource();

        var first = cache.GetAsync(new TokenRequestContext(["a/.default"]), false, cancelled.Token);
        var second = cache.GetAsync(new TokenRequestContext(["a/.default"]), false, CancellationToken.None);
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.StartsWith("token-1", (await second).Token.Token);
        Assert.Equal(1, inner.Calls);
    }
}
