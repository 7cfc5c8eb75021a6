using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

public sealed class BatchPlanTests
{
    private static VmEvent Event(string vm, bool accepted = true, string? reject = null) => new()
    {
        EventId = Guid.NewGuid().ToString(), EventType = "Microsoft.Resources.ResourceWriteSuccess", Schema = EventSchema.EventGrid, Raw = "{}", Accepted = accepted, RejectReason = reject,
        ParsedVmId = VmResourceId.Parse($"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/{vm}"),
    };

    [Fact]
    public void Of_ShouldSendOneMessagePerVmOfOurs_AndCountTheRest()
    {
        var plan = BatchPlan.Of([Event("a"), Event("a"), Event("b"), Event("c", false, RejectReasons.OutOfScope), Event("d", false, RejectReasons.OutOfScope)], []);

        Assert.Equal(2, plan.ToSend.Count);
        Assert.Equal("SplitBatch:2 (not ours: 2 OutOfScope)", plan.Summary.Render());
        Assert.Null(plan.DeadLetter);
    }

    [Fact]
    public void Of_WhenPartsAreNotEvents_ShouldSendTheEvents_AndPoisonTheBatchWithTheirReasons()
    {
        var plan = BatchPlan.Of([Event("a")], ["Malformed:NotAnObject (item 2)"]);

        Assert.Single(plan.ToSend);
        Assert.Equal("Malformed", plan.DeadLetter!.Code);
        Assert.Equal("Malformed:NotAnObject (item 2); SplitBatch:1", plan.DeadLetter.Render());
    }

    [Theory]
    [InlineData(BatchPlan.MaxEvents, BatchPlan.MaxEvents)]
    [InlineData(BatchPlan.MaxEvents + 1, 0)]
    public void Of_AtAndOverTheLimit_ShouldSendAllOrNone(int events, int sent)
    {
        var plan = BatchPlan.Of(Enumerable.Range(0, events).Select(i => Event($"vm-{i}")).ToArray(), []);

        Assert.Equal(sent, plan.ToSend.Count);
        Assert.Equal(sent == 0, plan.DeadLetter is { Code: ReasonCodes.BatchTooLarge });
    }
}
