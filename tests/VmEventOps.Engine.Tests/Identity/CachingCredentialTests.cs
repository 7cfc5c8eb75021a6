using Azure.Core;
using VmEventOps.Engine.Identity;

namespace VmEventOps.Engine.Tests.Identity;

public sealed class CachingCredentialTests
{
    // Answers after 50 ms, or, given a gate, once the gate opens (a test that must cancel a caller before the answer comes).
    private sealed class CountingCredential(TimeSpan lifetime, Task? gate = null) : TokenCredential
    {
        private int _calls;

        public int Calls => _calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _calls);
            await (gate ?? Task.Delay(50, cancellationToken)).WaitAsync(cancellationToken);
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
        // The answer waits for the gate: on a starved machine 50 ms could pass before the cancel, and the caller would have its token.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new CountingCredential(TimeSpan.FromHours(1), gate.Task);
        var cache = new CachingCredential(inner, TimeProvider.System);
        using var cancelled = new CancellationTokenSource();

        var first = cache.GetAsync(new TokenRequestContext(["a/.default"]), false, cancelled.Token);
        var second = cache.GetAsync(new TokenRequestContext(["a/.default"]), false, CancellationToken.None);
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        gate.SetResult();
        Assert.StartsWith("token-1", (await second).Token.Token);
        Assert.Equal(1, inner.Calls);
    }
}
