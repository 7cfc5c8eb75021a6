using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Arm;

/// <summary>The VM and NIC lookup against the HTTPS ARM emulator, with tokens from the managed-identity emulator.</summary>
public sealed class ArmGatewayLookupTests : IAsyncLifetime
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private ArmGateway Gateway() => VmEventEngine.For(new VmEventOptions { ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity }).Arm(NullHostLog.Instance);

    private static VmResourceId Id(ArmVm vm) => VmResourceId.Parse(vm.Id);

    [Fact]
    public async Task GetVmNetworkInfo_ShouldReadTheVmAndItsNicWithOneGetEach()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-01", ["10.0.0.4"]);

        var info = await Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None);

        Assert.Equal(vm.Id, info.VmResourceId);
        Assert.Equal(vm.VmId, info.VmId);
        Assert.Equal("vm-01", info.VmName);
        Assert.Equal("westeurope", info.Location);
        Assert.Equal("Succeeded", info.ProvisioningState);
        Assert.Equal("Linux", info.OsType);
        Assert.Equal(vm.TimeCreated.ToUnixTimeSeconds(), info.TimeCreated!.Value.ToUnixTimeSeconds());
        Assert.Equal("test", info.Tags["env"]);
        Assert.Equal(vm.NicIds[0], info.PrimaryNicId);
        Assert.Equal("10.0.0.4", info.PrivateIpAddress);
        Assert.Single(info.PublicIpAddressIds);
        Assert.Equal(1, _arm.Calls("vm"));
        Assert.Equal(1, _arm.Calls("nic"));
    }

    [Fact]
    public async Task GetVmNetworkInfo_WithSeveralNicsAndACidrAddress_ShouldListEveryAddressPrimaryFirst()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-02", ["10.0.0.4", "172.20.2.16/28"], ["10.1.0.5"]);

        var info = await Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None);

        Assert.Equal("10.0.0.4", info.PrivateIpAddress);
        Assert.Equal(["10.0.0.4", "172.20.2.16", "10.1.0.5"], info.PrivateIpAddresses);
        Assert.Equal(1, _arm.Calls("vm"));
        Assert.Equal(2, _arm.Calls("nic"));
    }

    [Fact]
    public async Task GetVmNetworkInfo_ForAVmThatIsGone_ShouldBeVmNotFound()
    {
        var id = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/deleted");

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(id, CancellationToken.None));

        Assert.Equal(ErrorIds.VmNotFound, error.ErrorId);
        Assert.Equal(VmErrorCategory.ObjectNotFound, error.Category);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhileTheNicHasNoPrivateAddress_ShouldBeATransientNicNotReady()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-03", [null!, "10.0.0.9"]);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.NicNotReady, error.ErrorId);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenForbidden_ShouldNameTheMissingRoleAndTheRequestIds()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-04", ["10.0.0.4"]);
        _arm.Fail("vm", 403);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.ArmForbidden, error.ErrorId);
        Assert.Equal(VmErrorCategory.PermissionDenied, error.Category);
        Assert.Contains("AuthorizationFailed", error.Message);
        Assert.Contains("Reader", error.Message);
        Assert.Contains("x-ms-request-id", error.Message);
        Assert.DoesNotContain("Bearer", error.ToString());
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenThrottled_ShouldWaitForRetryAfterAndSucceed()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-05", ["10.0.0.4"]);
        _arm.Fail("vm", 429, count: 2, retryAfter: TimeSpan.FromSeconds(1));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var info = await Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None);

        Assert.Equal("10.0.0.4", info.PrivateIpAddress);
        Assert.Equal(3, _arm.Calls("vm"));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"waited {watch.Elapsed} for two Retry-After: 1");
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenStillThrottledAfterTheRetries_ShouldBeArmThrottledWithTheServicesRetryAfter()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-07", ["10.0.0.4"]);
        _arm.Fail("vm", 429, count: 6, retryAfter: TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(VmErrorCategory.LimitsExceeded, error.Category);
        Assert.True(error.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.Contains("HTTP 429 TooManyRequests", error.Message);
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenArmKeepsFailing_ShouldBeATransientErrorWithTheArmCode()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-06", ["10.0.0.4"]);
        _arm.Fail("vm", 500, count: 10);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.ArmRequestFailed, error.ErrorId);
        Assert.True(error.IsTransient);
        Assert.Contains("HTTP 500 InternalServerError", error.Message);
        Assert.Equal(6, _arm.Calls("vm")); // the first try and Azure.Core's five retries
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenTheNicNameKeepsAnExamplePlaceholder_ShouldReadItByItsEscapedName()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-08", ["10.0.0.4"]);
        _arm.Model.Nics.TryRemove(vm.NicIds[0], out var nic);
        var placeholder = vm.NicIds[0][..(vm.NicIds[0].LastIndexOf('/') + 1)] + "{myNIC}";   // as VirtualMachine_Get.json names it
        _arm.Model.Nics[placeholder] = nic! with { Id = placeholder };
        vm.NicIds[0] = placeholder;

        var info = await Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None);

        Assert.Equal(placeholder, info.PrimaryNicId);
        Assert.Equal("10.0.0.4", info.PrivateIpAddress);
    }

    [Fact]
    public async Task GetVmNetworkInfo_WhenTheVmNamesANicOutsideANicResourceId_ShouldRefuseToRequestIt()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-09", ["10.0.0.4"]);
        vm.NicIds[0] = vm.NicIds[0] + "/../../../../providers/Microsoft.Authorization/roleAssignments";

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().GetVmNetworkInfoAsync(Id(vm), CancellationToken.None));

        Assert.Equal(ErrorIds.ArmRequestFailed, error.ErrorId);
        Assert.Equal(VmErrorCategory.InvalidResult, error.Category);
        Assert.Equal(0, _arm.Calls("nic"));
    }
}
