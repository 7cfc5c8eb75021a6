using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Arm;

/// <summary>The runbooks of an Automation account (Runbook_ListByAutomationAccount), read to the end of their nextLinks.</summary>
public sealed class RunbookListTests : IAsyncLifetime
{
    private const string Account = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private ArmGateway Gateway(RecordingHostLog? log = null, int maxPages = 50) =>
        VmEventEngine.For(new VmEventOptions { ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity, ArmMaxPages = maxPages }).Arm(log ?? new RecordingHostLog());

    [Fact]
    public async Task ListRunbooks_WhenTheListIsLongerThanAPage_ShouldFollowNextLinkAndReturnEveryRunbookWithItsTypeAndState()
    {
        _arm.Model.RunbookPageSize = 2;
        _arm.Model.AddRunbook(Account, "Onboard-Vm");
        _arm.Model.AddRunbook(Account, "Offboard-Vm");
        _arm.Model.AddRunbook(Account, "Draft-One", state: "New");
        _arm.Model.AddRunbook(Account, "Report", runbookType: "Python3");
        _arm.Model.AddRunbook(Account, "Zz-Last", state: "Edit");

        var runbooks = await Gateway().ListRunbooksAsync(Account, CancellationToken.None);

        Assert.Equal(["Draft-One", "Offboard-Vm", "Onboard-Vm", "Report", "Zz-Last"], runbooks.Select(r => r.Name));
        Assert.Equal(3, _arm.Calls("runbook-list"));   // 2 + 2 + 1
        Assert.Equal("New", runbooks[0].State);
        Assert.Equal("Python3", runbooks[3].RunbookType);
        Assert.Equal("PowerShell72", runbooks[1].RunbookType);
        Assert.Equal("Published", runbooks[1].State);
    }

    [Fact]
    public async Task ListRunbooks_WhenTheListHasMorePagesThanArmMaxPages_ShouldStopThereAndSaySoInAWarning()
    {
        _arm.Model.RunbookPageSize = 1;
        foreach (var name in new[] { "A-one", "B-two", "C-three" }) _arm.Model.AddRunbook(Account, name);
        var log = new RecordingHostLog();

        var runbooks = await Gateway(log, maxPages: 2).ListRunbooksAsync(Account, CancellationToken.None);

        Assert.Equal(["A-one", "B-two"], runbooks.Select(r => r.Name));
        Assert.Single(log.Warnings, w => w.Contains("ArmMaxPages") && w.Contains("runbooks"));
    }

    [Fact]
    public async Task ListRunbooks_WhenTheIdentityMayNotReadRunbooks_ShouldFailArmForbiddenNamingTheRole()
    {
        _arm.Model.AddRunbook(Account, "Onboard-Vm");
        _arm.Fail("runbook-list", 403);

        var failure = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().ListRunbooksAsync(Account, CancellationToken.None));

        Assert.Equal(ErrorIds.ArmForbidden, failure.ErrorId);
        Assert.Contains("Automation Operator", failure.Message);
    }

    [Fact]
    public async Task ListRunbooks_WhenTheAccountDoesNotExist_ShouldFailObjectNotFound()
    {
        var failure = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().ListRunbooksAsync(Account.Replace("aa-onboarding", "aa-missing"), CancellationToken.None));

        Assert.Equal(ErrorIds.ArmRequestFailed, failure.ErrorId);
        Assert.Equal(VmErrorCategory.ObjectNotFound, failure.Category);
    }

    [Fact]
    public async Task ListRunbooks_WhenTheAccountIdIsNotAnAutomationAccount_ShouldRefuseWithoutARequest()
    {
        var failure = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().ListRunbooksAsync("/subscriptions/x/../../runbooks?", CancellationToken.None));

        Assert.Equal(ErrorIds.RunbookNotConfigured, failure.ErrorId);
        Assert.Equal(0, _arm.TotalCalls);
    }
}
