using Microsoft.Extensions.Time.Testing;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Tests.Arm;

/// <summary>The pacer on a fake clock: what it grants, when, and how it adapts to 429s.</summary>
public sealed class AutomationJobPacerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private AutomationJobPacer Pacer(int perWindow = 3) => new("aa-test", perWindow, Window, _time);

    private static async Task<AutomationJobPacer.Slot[]> Completed(AutomationJobPacer pacer, int count)
    {
        var slots = new List<AutomationJobPacer.Slot>();
        for (var i = 0; i < count; i++)
        {
            var slot = await pacer.AcquireAsync(Long, CancellationToken.None);
            pacer.Completed(slot);
            slots.Add(slot);
        }

        return [.. slots];
    }

    [Fact]
    public async Task Acquire_WithinTheLimit_ShouldGrantAtOnce_AndTheNextOnlyWhenTheFirstLeavesTheWindow()
    {
        var pacer = Pacer();
        await Completed(pacer, 3);

        var fourth = pacer.AcquireAsync(Long, CancellationToken.None);
        _time.Advance(Window - TimeSpan.FromSeconds(1));
        Assert.False(fourth.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await fourth.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Acquire_WhenItsWorkerStopsWhileWaiting_ShouldGiveTheSlotUpAndDeferAtOnce()
    {
        var pacer = Pacer(perWindow: 1);
        await Completed(pacer, 1);
        using var stopping = new CancellationTokenSource();

        var waiting = pacer.AcquireAsync(Long, CancellationToken.None, stopping.Token);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(waiting.IsCompleted);
        stopping.Cancel();

        var deferred = await Assert.ThrowsAsync<VmEventOpsException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(ErrorIds.ArmThrottled, deferred.ErrorId);
        Assert.True(deferred.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(20), deferred.RetryAfter);
        Assert.Contains("the worker is stopping", deferred.Message);
        // The slot it gave up is free for the next caller when the window allows.
        var next = pacer.AcquireAsync(Long, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(20));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Acquire_WhenItsWorkerIsStoppingButASlotIsFree_ShouldGrantIt()
    {
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();

        var slot = await Pacer().AcquireAsync(Long, CancellationToken.None, stopping.Token);

        Assert.NotNull(slot);
    }

    [Fact]
    public async Task Acquire_WhenTheTimeToWaitIsUsedUpButASlotIsFree_ShouldGrantIt()
    {
        // A message whose deadline passed on the way (a slow lookup): taking a free slot sleeps nothing.
        var slot = await Pacer().AcquireAsync(TimeSpan.FromSeconds(-3), CancellationToken.None);

        Assert.NotNull(slot);
    }

    [Fact]
    public async Task Acquire_WhenTheTimeToWaitIsUsedUpAndNoSlotIsFree_ShouldDeferAtOnce()
    {
        var pacer = Pacer(perWindow: 1);
        await Completed(pacer, 1);

        var deferred = await Assert.ThrowsAsync<VmEventOpsException>(() => pacer.AcquireAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(ErrorIds.ArmThrottled, deferred.ErrorId);
        Assert.Equal(Window, deferred.RetryAfter);
    }

    [Fact]
    public async Task Acquire_ShouldCountASlotFromTheAnswer_NotFromTheRequest()
    {
        // The service counted the job somewhere between request and answer: a window after the answer is always safe.
        var pacer = Pacer(perWindow: 1);
        var slot = await pacer.AcquireAsync(Long, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));   // a slow answer
        pacer.Completed(slot);

        var next = pacer.AcquireAsync(Long, CancellationToken.None);
        _time.Advance(Window - TimeSpan.FromSeconds(1));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Acquire_WhileRequestsAreInFlight_ShouldCountThemAsTakingASlotNow()
    {
        var pacer = Pacer(perWindow: 2);
        await pacer.AcquireAsync(Long, CancellationToken.None);
        await pacer.AcquireAsync(Long, CancellationToken.None);   // both in flight, no answer yet
        _time.Advance(Window * 2);

        var third = pacer.AcquireAsync(Long, CancellationToken.None);

        Assert.False(third.IsCompleted);
    }

    [Fact]
    public async Task Acquire_BeyondMaxWait_ShouldTakeNoSlotAndFailThrottledWithTheWait()
    {
        var pacer = Pacer(perWindow: 1);
        await Completed(pacer, 1);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => pacer.AcquireAsync(TimeSpan.FromSeconds(10), CancellationToken.None));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.True(error.IsTransient);
        Assert.Equal(Window, error.RetryAfter);
        Assert.Contains("aa-test", error.Message);
        // Nothing was reserved: once the window passes, a slot is free at once.
        _time.Advance(Window);
        Assert.True(pacer.AcquireAsync(Long, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Throttled_ShouldPauseEveryCallerForRetryAfter_AndLowerTheLimitByAQuarterOncePerWindow()
    {
        var pacer = Pacer(perWindow: 20);
        var a = await pacer.AcquireAsync(Long, CancellationToken.None);
        var b = await pacer.AcquireAsync(Long, CancellationToken.None);

        pacer.Throttled(a, TimeSpan.FromSeconds(4));
        pacer.Throttled(b, TimeSpan.FromSeconds(4));   // in flight together with a: the same signal
        var waiting = pacer.AcquireAsync(Long, CancellationToken.None);

        Assert.Equal(15, pacer.Limit);
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(4));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        // A 429 a window later is a new signal (after the quiet window gave a tenth back: 20 x 0.85 x 0.75).
        _time.Advance(Window);
        pacer.Throttled(await pacer.AcquireAsync(Long, CancellationToken.None), TimeSpan.FromSeconds(1));
        Assert.Equal(13, pacer.Limit);
    }

    [Fact]
    public async Task Throttled_WhileCallersSleep_ShouldMoveThemBehindThePause()
    {
        var pacer = Pacer(perWindow: 1);
        await Completed(pacer, 1);
        var sleeper = pacer.AcquireAsync(Long, CancellationToken.None);   // due when the window slides
        var other = await Assert.ThrowsAsync<VmEventOpsException>(() => pacer.AcquireAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(ErrorIds.ArmThrottled, other.ErrorId);

        // Another process used the account's quota: a 429 (on a slot of another request) pauses this process for 60 s.
        var inFlight = new AutomationJobPacer.Slot();
        pacer.Throttled(inFlight, TimeSpan.FromSeconds(60));
        _time.Advance(Window);
        await Task.Delay(50);

        Assert.False(sleeper.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(30));
        await sleeper.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Limit_ShouldRecoverByATenthPerQuietWindow_UpToTheConfiguredLimit()
    {
        var pacer = Pacer(perWindow: 100);
        pacer.Throttled(await pacer.AcquireAsync(Long, CancellationToken.None), TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(10));
        pacer.Throttled(await pacer.AcquireAsync(Long, CancellationToken.None), TimeSpan.FromSeconds(1));
        _time.Advance(Window - TimeSpan.FromSeconds(1));
        Assert.Equal(75, pacer.Limit);   // the second 429 restarted the quiet window

        var seen = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(Window);
            seen.Add(pacer.Limit);
        }

        Assert.Equal([85, 95, 100, 100, 100], seen);
    }

    [Fact]
    public async Task Limit_ShouldNeverFallBelowOneJobPerWindow()
    {
        var pacer = Pacer(perWindow: 4);
        for (var i = 0; i < 30; i++)
        {
            pacer.Throttled(await pacer.AcquireAsync(Long, CancellationToken.None), TimeSpan.FromSeconds(1));
            _time.Advance(Window / 2);
        }

        Assert.Equal(1, pacer.Limit);
    }

    [Fact]
    public async Task Acquire_Cancelled_ShouldGiveItsSlotBack()
    {
        var pacer = Pacer(perWindow: 1);
        await Completed(pacer, 1);
        using var cancel = new CancellationTokenSource();
        var cancelled = pacer.AcquireAsync(Long, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        _time.Advance(Window);

        Assert.True(pacer.AcquireAsync(Long, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Acquire_ByManyCallersAtOnce_ShouldNeverGrantMoreThanTheLimitInAnyWindow()
    {
        var pacer = Pacer(perWindow: 5);
        var granted = new List<DateTimeOffset>();
        var callers = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            var slot = await pacer.AcquireAsync(Long, CancellationToken.None);
            lock (granted) granted.Add(_time.GetUtcNow());
            pacer.Completed(slot);
        })).ToArray();

        while (!callers.All(c => c.IsCompleted))
        {
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.WhenAll(callers);
        Assert.Equal(40, granted.Count);
        var times = granted.Order().ToArray();
        for (var i = 0; i + 5 < times.Length; i++)
        {
            Assert.True(times[i + 5] - times[i] >= Window, $"grants {i} and {i + 5} at {times[i]:T} and {times[i + 5]:T} share a window");
        }
    }
}
