using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Arm;

/// <summary>The lookup of VMs that are not simply there: being created (the create example: Creating, NIC still to come), failed, being deleted.</summary>
public sealed class ArmVmStateTests : IAsyncLifetime
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private ArmGateway Gateway() => VmEventEngine.For(new VmEventOptions { ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity }).Arm(NullHostLog.Instance);

    private static VmResourceId Id(ArmVm vm) => VmResourceId.Parse(vm.Id);

    [Fact]
    public async Task GetVmNetworkInfo_ForAVmBeingCreatedWhoseNicDoesNotExistYet_ShouldBeATransientVmCreating_ThenReadItOnceTheNicExists()
    {
        var vm = _arm.Model.AddVmBeingCreated(Sub, "rg-app", "vm-new", nicAfterReads: 1, nicAddresses: ["10.0.0.4"]);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));
        var nicReads = _arm.Calls("nic");
        var info = await Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None);

        Assert.Equal(ErrorIds.VmCreating, error.ErrorId);
        Assert.True(error.IsTransient);
        Assert.Equal(VmErrorCategory.ResourceUnavailable, error.Category);
        Assert.Contains("Creating", error.Message);
        Assert.Equal(1, nicReads);   // answered 404: the NIC is still to be created
        Assert.Equal("Succeeded", info.ProvisioningState);
        Assert.Equal("10.0.0.4", info.PrivateIpAddress);
    }

    [Fact]
    public async Task GetVmNetworkInfo_ForAVmBeingCreatedWhoseNicHasNoAddressYet_ShouldBeATransientVmCreating()
    {
        var vm = _arm.Model.AddVmBeingCreated(Sub, "rg-app", "vm-dhcp", nicAfterReads: 0, succeededAfterReads: 5, nicAddresses: [[null!]]);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.VmCreating, error.ErrorId);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task GetVmNetworkInfo_ForAVmBeingCreatedWhoseNicIsReady_ShouldReturnItsAddress()
    {
        var vm = _arm.Model.AddVmBeingCreated(Sub, "rg-app", "vm-early", nicAfterReads: 0, succeededAfterReads: 5, nicAddresses: ["10.0.0.8"]);

        var info = await Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None);

        Assert.Equal("Creating", info.ProvisioningState);
        Assert.Equal("10.0.0.8", info.PrivateIpAddress);
        Assert.Null(info.TimeCreated);   // the create example has no timeCreated yet
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenTheNicOfAnExistingVmAnswers404_ShouldBeATransientNicNotReady()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-lag", ["10.0.0.9"]);
        _arm.Model.Nics.TryRemove(vm.NicIds[0], out _);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.NicNotReady, error.ErrorId);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task GetVmNetworkInfo_ForAVmBeingDeleted_ShouldBeVmDeletingAndNotTransient()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-going", ["10.0.0.10"]);
        vm.ProvisioningState = "Deleting";

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.VmDeleting, error.ErrorId);
        Assert.False(error.IsTransient);
        Assert.Equal(VmErrorCategory.ObjectNotFound, error.Category);
        Assert.Equal(0, _arm.Calls("nic"));
    }

    [Fact]
    public async Task GetVmNetworkInfo_ForAVmWhoseProvisioningFailed_ShouldBeVmProvisioningFailedAndNotTransient()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-broken", ["10.0.0.11"]);
        vm.ProvisioningState = "Failed";

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.VmProvisioningFailed, error.ErrorId);
        Assert.False(error.IsTransient);
        Assert.Contains("Failed", error.Message);
    }
}
