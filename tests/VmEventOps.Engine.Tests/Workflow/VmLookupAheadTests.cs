using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>The VM GET beside the state read: what it adds to the facts, and that nothing of it outlives an attempt that did not need it.</summary>
public sealed class VmLookupAheadTests
{
    private const string VmId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01";

    private static readonly OnboardingFacts Fresh = new()
    {
        Event = new VmEvent { EventId = "e1", EventType = "Microsoft.Resources.ResourceWriteSuccess", Schema = EventSchema.EventGrid, Raw = "{}", Accepted = true, VmResourceId = VmId, ParsedVmId = VmResourceId.Parse(VmId) },
        Attempt = 1,
    };

    private static readonly VmNetworkInfo Vm = new() { VmResourceId = VmId, VmId = Guid.NewGuid(), VmName = "vm-01", PrivateIpAddress = "10.0.0.4" };

    [Fact]
    public void Merge_WhenTheLookupFoundTheVm_ShouldKeepTheStateReadMeanwhile()
    {
        var stateRead = Fresh with { StateRead = true, State = new OnboardingState { VmResourceId = VmId, State = OnboardingStatus.Failed, Attempts = 2 } };

        var merged = VmLookupAhead.Merge(stateRead, Fresh with { Vm = Vm });

        Assert.Same(Vm, merged.Vm);
        Assert.True(merged.StateRead);
        Assert.Equal(2, merged.State!.Attempts);
        Assert.Null(merged.Failure);
    }

    [Fact]
    public void Merge_WhenTheLookupFailed_ShouldCarryItsFailureAndStep()
    {
        var failure = new Failure(ErrorIds.ArmThrottled, VmErrorCategory.LimitsExceeded, true, TimeSpan.FromSeconds(30), "throttled");

        var merged = VmLookupAhead.Merge(Fresh with { StateRead = true }, Fresh with { Failure = failure, FailedStep = "VmLookup" });

        Assert.Same(failure, merged.Failure);
        Assert.Equal("VmLookup", merged.FailedStep);
    }

    [Fact]
    public void Merge_WhenTheAttemptFailedAlready_ShouldKeepThatFailure()
    {
        var first = new Failure(ErrorIds.StorageRequestFailed, VmErrorCategory.ConnectionError, true, null, "table away");
        var second = new Failure(ErrorIds.ArmRequestFailed, VmErrorCategory.ConnectionError, true, null, "ARM away");

        var merged = VmLookupAhead.Merge(Fresh with { Failure = first, FailedStep = "State" }, Fresh with { Failure = second, FailedStep = "VmLookup" });

        Assert.Same(first, merged.Failure);
        Assert.Equal("State", merged.FailedStep);
    }

    [Fact]
    public async Task DisposeAsync_WhenTheAttemptEndedWithoutTheLookup_ShouldCancelItAndWaitForItsEnd()
    {
        var ended = false;
        var ahead = new VmLookupAhead(CancellationToken.None);
        ahead.Start(async () =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ahead.Token);
                return Fresh;
            }
            finally
            {
                ended = true;
            }
        });

        await ahead.DisposeAsync();

        Assert.True(ended);
    }

    [Fact]
    public async Task TakeAsync_ShouldGiveTheLookupOnce_AndStartShouldNotStartASecond()
    {
        var starts = 0;
        await using var ahead = new VmLookupAhead(CancellationToken.None);
        ahead.Start(() => { starts++; return Task.FromResult(Fresh with { Vm = Vm }); });
        ahead.Start(() => { starts++; return Task.FromResult(Fresh); });

        var looked = await ahead.TakeAsync();

        Assert.Same(Vm, looked.Vm);
        Assert.Equal(1, starts);
        Assert.False(ahead.Started);
        await Assert.ThrowsAsync<InvalidOperationException>(ahead.TakeAsync);
    }
}
