using VmEventOps.Engine.Caching;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Engine.Tests.Caching;

/// <summary>Queues and tables known to exist: created once for every caller, and a failed creation tried again.</summary>
public sealed class CreatedOnceTests
{
    [Fact]
    public async Task EnsureAsync_From50ConcurrentCallers_ShouldCreateOnce()
    {
        var created = new CreatedOnce();
        var calls = 0;
        var release = new TaskCompletionSource();

        var waits = Enumerable.Range(0, 50).Select(_ => Task.Run(() => created.EnsureAsync("q", async () => { Interlocked.Increment(ref calls); await release.Task; }, CancellationToken.None))).ToArray();
        await Task.Delay(100);
        release.SetResult();
        await Task.WhenAll(waits);
        await created.EnsureAsync("q", () => throw new InvalidOperationException("not called again"), CancellationToken.None);

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task EnsureAsync_WhenTheCreationFailed_ShouldTryAgainOnTheNextUse()
    {
        var created = new CreatedOnce();
        var calls = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => created.EnsureAsync("t", () => { calls++; throw new InvalidOperationException("storage down"); }, CancellationToken.None));
        await created.EnsureAsync("t", () => { calls++; return Task.CompletedTask; }, CancellationToken.None);

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task EnsureAsync_WhenOneCallerStopsWaiting_ShouldLeaveTheCreationToTheOthers()
    {
        var created = new CreatedOnce();
        var calls = 0;
        var release = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();

        var patient = created.EnsureAsync("q", async () => { Interlocked.Increment(ref calls); await release.Task; }, CancellationToken.None);
        var impatient = created.EnsureAsync("q", () => throw new InvalidOperationException("a second creation"), stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        release.SetResult();
        await patient;
        await created.EnsureAsync("q", () => throw new InvalidOperationException("not called again"), CancellationToken.None);

        Assert.Equal(1, calls);
    }

    [Fact]
    public void State_OfTwoCallsOnOneHost_ShouldShareTheTablesKnownToExist()
    {
        var options = new Engine.Configuration.VmEventOptions { StorageConnectionString = "UseDevelopmentStorage=true", StateTableName = "vmstateone" };

        var first = Engine.Hosting.VmEventEngine.For(options).State();
        var second = Engine.Hosting.VmEventEngine.For(options with { StateTableName = "vmstatetwo" }).State();

        Assert.Same(Known(first), Known(second));
    }

    private static object? Known(object store) =>
        store.GetType().GetField("_created", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(store);
}
