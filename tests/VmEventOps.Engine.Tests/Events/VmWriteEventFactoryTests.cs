using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Tests.Events;

public sealed class VmWriteEventFactoryTests
{
    [Fact]
    public void Create_ShouldGiveAnEventTheFilterAccepts()
    {
        var vm = VmResourceId.Parse("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-01");

        var json = VmWriteEventFactory.Create(vm, "Database was down", "admin", DateTimeOffset.UtcNow);
        var vmEvent = new EventFilter([$"/subscriptions/{vm.SubscriptionId}"]).Apply(Assert.Single(EventParser.Parse(json).Events));

        Assert.True(vmEvent.Accepted);
        Assert.Equal(vm.Value, vmEvent.VmResourceId);
        Assert.Equal(EventSchema.EventGrid, vmEvent.Schema);
        Assert.Contains("\"reason\":\"Database was down\"", json);
        Assert.Contains("\"requestedBy\":\"admin\"", json);
    }

    [Fact]
    public void Create_Twice_ShouldGiveDistinctEventIds()
    {
        var vm = VmResourceId.Parse("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-01");

        var first = EventParser.Parse(VmWriteEventFactory.Create(vm, null, null, DateTimeOffset.UtcNow)).Events[0];
        var second = EventParser.Parse(VmWriteEventFactory.Create(vm, null, null, DateTimeOffset.UtcNow)).Events[0];

        Assert.NotEqual(first.EventId, second.EventId);
    }
}
