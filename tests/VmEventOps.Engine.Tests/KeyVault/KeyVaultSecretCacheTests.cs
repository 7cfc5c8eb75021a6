using Microsoft.Extensions.Time.Testing;
using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Engine.Tests.KeyVault;

public sealed class KeyVaultSecretCacheTests
{
    private static readonly Uri Secret = new("https://kv-onboarding.vault.azure.net/secrets/db-password/");
    private readonly FakeTimeProvider _time = new();
    private readonly object _identity = new();
    private int _reads;

    private KeyVaultSecretCache Cache() => new(_time);

    private Task<string> Get(KeyVaultSecretCache cache, TimeSpan duration, bool refresh = false) =>
        cache.GetAsync(_identity, Secret, duration, refresh, () => Task.FromResult($"value-{Interlocked.Increment(ref _reads)}"), CancellationToken.None);

    [Fact]
    public async Task GetAsync_WithinTheCachePeriod_ShouldReadOnceAndThenAgainWhenItHasPassed()
    {
        var cache = Cache();

        Assert.Equal("value-1", await Get(cache, TimeSpan.FromMinutes(10)));
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("value-1", await Get(cache, TimeSpan.FromMinutes(10)));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("value-2", await Get(cache, TimeSpan.FromMinutes(10)));
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task GetAsync_WithZeroDuration_ShouldReadEveryTime()
    {
        var cache = Cache();

        await Get(cache, TimeSpan.Zero);
        await Get(cache, TimeSpan.Zero);
        await Get(cache, TimeSpan.Zero);

        Assert.Equal(3, _reads);
    }

    [Fact]
    public async Task GetAsync_WithRefresh_ShouldReadNowAndKeepTheNewValue()
    {
        var cache = Cache();
        await Get(cache, TimeSpan.FromHours(1));

        Assert.Equal("value-2", await Get(cache, TimeSpan.FromHours(1), refresh: true));
        Assert.Equal("value-2", await Get(cache, TimeSpan.FromHours(1)));
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task GetAsync_ConcurrentCallers_ShouldShareOneRead()
    {
        var cache = Cache();
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var callers = Enumerable.Range(0, 20)
            .Select(_ => cache.GetAsync(_identity, Secret, TimeSpan.FromMinutes(1), false, () => { Interlocked.Increment(ref reads); return release.Task; }, CancellationToken.None))
            .ToArray();

        release.SetResult("shared");

        Assert.All(await Task.WhenAll(callers), value => Assert.Equal("shared", value));
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task GetAsync_AfterAFailedRead_ShouldNotKeepTheFailure()
    {
        var cache = Cache();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetAsync(_identity, Secret, TimeSpan.FromMinutes(1), false, () => Task.FromException<string>(new InvalidOperationException("denied")), CancellationToken.None));

        Assert.Equal("value-1", await Get(cache, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task GetAsync_ForAnotherIdentity_ShouldReadForItself()
    {
        var cache = Cache();
        await Get(cache, TimeSpan.FromMinutes(1));

        var other = await cache.GetAsync(new object(), Secret, TimeSpan.FromMinutes(1), false, () => Task.FromResult("other"), CancellationToken.None);

        Assert.Equal("other", other);
    }
}
