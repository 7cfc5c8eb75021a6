using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

public sealed class SlotHoldTests
{
    [Fact]
    public async Task Release_CalledTwice_ShouldFreeTheSlotOnce()
    {
        using var slots = new SemaphoreSlim(1);
        var hold = new SlotHold(slots);
        await hold.AcquireAsync(CancellationToken.None);

        hold.Release();   // the routing began
        hold.Release();   // the message ended

        Assert.Equal(1, slots.CurrentCount);
    }

    [Fact]
    public void Release_OfAHoldNeverTaken_ShouldNotFreeAnotherMessagesSlot()
    {
        using var slots = new SemaphoreSlim(1);
        slots.Wait();   // another message holds the only slot
        var hold = new SlotHold(slots);

        hold.Release();   // given back before its turn came

        Assert.Equal(0, slots.CurrentCount);
    }

    [Fact]
    public async Task Release_WhenTheRoutingBegins_ShouldLetTheNextMessageTakeTheSlot()
    {
        using var slots = new SemaphoreSlim(1);
        var first = new SlotHold(slots);
        await first.AcquireAsync(CancellationToken.None);
        var second = new SlotHold(slots);
        var waiting = second.AcquireAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        first.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        first.Release();

        Assert.Equal(0, slots.CurrentCount);   // the second holds it; the first's end freed nothing more
    }
}
