using VmEventOps.Engine.Caching;

namespace VmEventOps.Engine.Tests.Identity;

/// <summary>The cache behind tokens and Key Vault secrets keeps values, never failures.</summary>
public sealed class SingleFlightCacheTests
{
    [Fact]
    public async Task GetAsync_WhenTheCreationThrowsAtOnce_ShouldCreateAnewOnTheNextCall()
    {
        var cache = new SingleFlightCache<string, int>();
        var calls = 0;
        Task<int> Create() => ++calls == 1 ? throw new InvalidOperationException("identity endpoint down") : Task.FromResult(42);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("k", Create, _ => true, refresh: false, CancellationToken.None));
        var (value, created) = await cache.GetAsync("k", Create, _ => true, refresh: false, CancellationToken.None);

        Assert.Equal(42, value);
        Assert.True(created);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task GetAsync_WhenAFailureEndedAfterItsOnlyCallerStoppedWaiting_ShouldNotGiveItToTheNextCaller()
    {
        var cache = new SingleFlightCache<string, int>();
        var failing = new TaskCompletionSource<int>();
        using var stop = new CancellationTokenSource();
        var waiting = cache.GetAsync("k", () => failing.Task, _ => true, refresh: false, stop.Token);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        failing.SetException(new InvalidOperationException("failed while nobody waited"));

        var (value, created) = await cache.GetAsync("k", () => Task.FromResult(7), _ => true, refresh: false, CancellationToken.None);

        Assert.Equal(7, value);
        Assert.True(created);
    }
}
