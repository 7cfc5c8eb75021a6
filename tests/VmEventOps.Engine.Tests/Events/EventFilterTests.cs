using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Events;

public sealed class EventFilterTests
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private static readonly EventFilter AnyScope = new(["*"]);

    private static VmEvent Parse(string json) => Assert.Single(EventParser.Parse(json).Events);

    [Fact]
    public void Apply_ToAVmCreateInScope_ShouldAccept()
    {
        var result = new EventFilter([$"/subscriptions/{Sub}/resourceGroups/RESOURCE-GROUP"]).Apply(Parse(Samples.VmWriteEvent()));

        Assert.True(result.Accepted);
        Assert.Null(result.RejectReason);
    }

    [Fact]
    public void Apply_ToAnotherResourceType_ShouldRejectAsNotVmWrite() =>
        Assert.Equal(RejectReasons.NotVmWrite, AnyScope.Apply(Parse(Samples.Read("cloudevent-resourcewritesuccess-storage-docs.json"))).RejectReason);

    [Fact]
    public void Apply_ToADelete_ShouldRejectAsNotVmWrite()
    {
        var delete = Samples.VmWriteEvent().Replace("ResourceWriteSuccess", "ResourceDeleteSuccess", StringComparison.Ordinal);

        Assert.Equal(RejectReasons.NotVmWrite, AnyScope.Apply(Parse(delete)).RejectReason);
    }

    [Fact]
    public void Apply_ToAVmDeleteInScope_ShouldAcceptItAsDeleted()
    {
        var vm = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-gone");
        var result = new EventFilter([$"/subscriptions/{Sub}/resourceGroups/rg-app"]).Apply(Parse(VmWriteEventFactory.CreateDelete(vm, null, null, DateTimeOffset.UtcNow)));

        Assert.True(result.Accepted, result.RejectReason);
        Assert.Equal((VmEventKind.Deleted, vm.Value), (result.Kind, result.VmResourceId));
    }

    [Fact]
    public void Apply_ToTheOfficialDeleteExampleOfAnotherResourceType_ShouldRejectAsNotVmWrite()
    {
        var storage = Parse(Samples.Read("eventgrid-resourcedeletesuccess-storage-docs.json"));

        Assert.Equal((RejectReasons.NotVmWrite, VmEventKind.Created), (AnyScope.Apply(storage).RejectReason, storage.Kind));
    }

    [Fact]
    public void Apply_ToAFailedWrite_ShouldRejectAsNotSucceeded()
    {
        var failed = Samples.VmWriteEvent().Replace("\"status\": \"Succeeded\"", "\"status\": \"Failed\"", StringComparison.Ordinal);

        Assert.Equal(RejectReasons.NotSucceeded, AnyScope.Apply(Parse(failed)).RejectReason);
    }

    [Fact]
    public void Apply_ToAWriteWithoutStatus_ShouldAccept()
    {
        var noStatus = Samples.VmWriteEvent().Replace("\"status\": \"Succeeded\",", string.Empty, StringComparison.Ordinal);

        Assert.True(AnyScope.Apply(Parse(noStatus)).Accepted);
    }

    [Fact]
    public void Apply_ToAChildResourceOfAVm_ShouldRejectAsNotAVirtualMachine()
    {
        var child = Samples.VmWriteEvent().Replace("virtualMachines/vmName", "virtualMachines/vmName/extensions/ext", StringComparison.Ordinal);

        Assert.Equal(RejectReasons.NotAVirtualMachine, AnyScope.Apply(Parse(child)).RejectReason);
    }

    [Fact]
    public void Apply_ToTheAnonymisedSample_ShouldRejectItsNonGuidSubscriptionAsNotAVirtualMachine() =>
        Assert.Equal(RejectReasons.NotAVirtualMachine, AnyScope.Apply(Parse(Samples.Read("eventgrid-resourcewritesuccess-vm.json"))).RejectReason);

    [Theory]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/other-group")]
    [InlineData("/subscriptions/99999999-2222-3333-4444-555555555555")]
    public void Apply_ToAVmOutsideEveryScope_ShouldRejectAsOutOfScope(string scope) =>
        Assert.Equal(RejectReasons.OutOfScope, new EventFilter([scope]).Apply(Parse(Samples.VmWriteEvent())).RejectReason);

    [Fact]
    public void Constructor_WithNoScope_ShouldRefuseAndNameTheSettingToSet()
    {
        var error = Assert.Throws<VmEventOpsException>(() => new EventFilter([]));

        Assert.Equal(ErrorIds.ScopeNotConfigured, error.ErrorId);
        Assert.Contains("VMEVENTOPS_ALLOWEDSCOPES", error.Message);
    }

    [Fact]
    public void ForViewing_WithNoScope_ShouldAcceptNothingAndSayScopeNotConfigured()
    {
        var filter = EventFilter.ForViewing([]);
        var vmEvent = filter.Apply(Parse(Samples.VmWriteEvent()));

        Assert.True(filter.IsUnscoped);
        Assert.False(vmEvent.Accepted);
        Assert.Equal(RejectReasons.ScopeNotConfigured, vmEvent.RejectReason);
    }

    [Fact]
    public void ForViewing_WithScopes_ShouldFilterAsTheWorkflowDoes()
    {
        var filter = EventFilter.ForViewing(["*"]);

        Assert.False(filter.IsUnscoped);
        Assert.True(filter.Apply(Parse(Samples.VmWriteEvent())).Accepted);
    }
}
