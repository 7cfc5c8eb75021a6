using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Reconcile;

/// <summary>The VM lists of the sweep against the ARM emulator: VirtualMachines_ListAll / _List pages and Resource Graph's query.</summary>
public sealed class VmListTests : IAsyncLifetime
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private ArmGateway Gateway(VmEventOptions? options = null) =>
        VmEventEngine.For((options ?? new VmEventOptions()) with { ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity }).Arm(NullHostLog.Instance);

    private void AddVms(string group, int count)
    {
        for (var i = 0; i < count; i++) _arm.Model.AddVm(Sub, group, $"vm-{group}-{i:0000}", [$"10.0.{i / 250}.{i % 250 + 4}"]);
    }

    private static async Task<List<ArmVmPage>> All(IAsyncEnumerable<ArmVmPage> pages)
    {
        var list = new List<ArmVmPage>();
        await foreach (var page in pages) list.Add(page);
        return list;
    }

    [Fact]
    public async Task ListVmPages_ForASubscriptionLongerThanAPage_ShouldFollowEveryNextLinkToTheEnd()
    {
        AddVms("rg-a", 180);
        AddVms("rg-b", 70);

        var pages = await All(Gateway().ListVmPagesAsync(new VmScope(Guid.Parse(Sub), null), CancellationToken.None));

        Assert.Equal(3, pages.Count);
        Assert.Equal(250, pages.Sum(p => p.Vms.Count));
        Assert.Equal(250, pages.SelectMany(p => p.Vms).Select(v => v.Id.Key).Distinct().Count());
        Assert.All(pages, p => Assert.Null(p.CutReason));
        Assert.All(pages.SelectMany(p => p.Vms), v => Assert.NotNull(v.VmId));
        Assert.Equal(3, _arm.Calls("vm-list"));
    }

    [Fact]
    public async Task ListVmPages_ForAResourceGroup_ShouldListItsVmsOnly()
    {
        AddVms("rg-a", 5);
        AddVms("rg-b", 3);

        var pages = await All(Gateway().ListVmPagesAsync(new VmScope(Guid.Parse(Sub), "rg-b"), CancellationToken.None));

        var vms = pages.SelectMany(p => p.Vms).ToArray();
        Assert.Equal(3, vms.Length);
        Assert.All(vms, v => Assert.Equal("rg-b", v.Id.ResourceGroupName));
        Assert.All(vms, v => Assert.Equal("Succeeded", v.ProvisioningState));
    }

    [Fact]
    public async Task ListVmPages_PastReconcileMaxPages_ShouldSayWhereItStopped()
    {
        AddVms("rg-a", 250);

        var pages = await All(Gateway(new VmEventOptions { ReconcileMaxPages = 2 }).ListVmPagesAsync(new VmScope(Guid.Parse(Sub), null), CancellationToken.None));

        Assert.Equal(2, pages.Count);
        Assert.Contains("ReconcileMaxPages", pages[^1].CutReason);
    }

    [Fact]
    public async Task QueryVmPages_ShouldPageWithTheSkipTokenAndKeepTheScopesOnly()
    {
        AddVms("rg-a", 1200);
        AddVms("rg-b", 30);

        var pages = await All(Gateway().QueryVmPagesAsync([new VmScope(Guid.Parse(Sub), "rg-a")], anyScope: false, CancellationToken.None));

        Assert.Equal(2, pages.Count);
        Assert.Equal(2, _arm.Calls("graph"));
        var vms = pages.SelectMany(p => p.Vms).ToArray();
        Assert.Equal(1200, vms.Length);
        Assert.All(vms, v => Assert.Equal("rg-a", v.Id.ResourceGroupName));
        Assert.All(vms, v => Assert.NotNull(v.VmId));
        Assert.All(vms, v => Assert.NotNull(v.TimeCreated));
    }

    [Fact]
    public async Task ListAndQuery_ShouldGiveEachVmsTagsAndOsType_ForTheOnboardingRules()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-tags", "vm-tagged", ["10.0.7.4"]) with { OsType = "Windows" };
        vm.Tags["vmeventops:skip"] = "true";
        _arm.Model.Vms[vm.Id] = vm;

        var listed = (await All(Gateway().ListVmPagesAsync(new VmScope(Guid.Parse(Sub), "rg-tags"), CancellationToken.None))).SelectMany(p => p.Vms).Single();
        var queried = (await All(Gateway().QueryVmPagesAsync([new VmScope(Guid.Parse(Sub), "rg-tags")], anyScope: false, CancellationToken.None))).SelectMany(p => p.Vms).Single();

        Assert.Equal(("Windows", "true"), (listed.OsType, listed.Tags["VmEventOps:Skip"]));
        Assert.Equal(("Windows", "true"), (queried.OsType, queried.Tags["vmeventops:skip"]));
    }

    [Fact]
    public async Task ListVmPages_ThrottledWithALongRetryAfter_ShouldBeVmArmThrottledAtOnceWithTheWait()
    {
        AddVms("rg-a", 150);
        _arm.Fail("vm-list", 429, retryAfter: TimeSpan.FromSeconds(1200), unwrapped: true);
        var started = DateTimeOffset.UtcNow;

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => All(Gateway().ListVmPagesAsync(new VmScope(Guid.Parse(Sub), null), CancellationToken.None)));

        Assert.Equal(ErrorIds.ArmThrottled, error.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(1200), error.RetryAfter);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ListVmPages_ThrottledWithAShortRetryAfterOnASecondPage_ShouldWaitAndReadToTheEnd()
    {
        AddVms("rg-a", 150);
        var gateway = Gateway();
        var pages = new List<ArmVmPage>();

        await foreach (var page in gateway.ListVmPagesAsync(new VmScope(Guid.Parse(Sub), null), CancellationToken.None))
        {
            if (pages.Count == 0) _arm.Fail("vm-list", 429, retryAfter: TimeSpan.FromSeconds(1));
            pages.Add(page);
        }

        Assert.Equal(150, pages.Sum(p => p.Vms.Count));
        Assert.Equal(3, _arm.Calls("vm-list"));
    }
}
