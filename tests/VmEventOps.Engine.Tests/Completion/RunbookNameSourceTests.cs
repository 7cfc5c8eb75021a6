using System.Diagnostics;
using VmEventOps.Emulators;
using VmEventOps.Engine.Completion;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Completion;

/// <summary>Runbook names for Tab: from ARM, paged, cached briefly and bounded, fast and silent when ARM cannot answer. With the tests that set VMEVENTOPS_* variables, not beside them.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class RunbookNameSourceTests : IAsyncLifetime
{
    private const string Scope = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        RunbookNameSource.Clear();
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    // Each test its own account: the cache is per account and process-wide.
    private static string NewAccount() => Scope + "aa-" + Guid.NewGuid().ToString("n")[..12];

    private ConfigurationRequest Request(string? account) => new()
    {
        Parameters = new SettingOverrides()
            .Set(o => o.ArmEndpoint, _arm.BaseUri)
            .Set(o => o.ArmAllowedHosts, (IReadOnlyList<string>)[_arm.BaseUri.Authority])
            .Set(o => o.AuthMode, AuthMode.ManagedIdentity)
            .Set(o => o.AutomationAccountId, string.IsNullOrEmpty(account) ? null : account),
        // No settings file of the machine's, no VMEVENTOPS_SETTINGS of another test.
        SettingsPath = null,
    };

    [Fact]
    public async Task Runbooks_WhenTheAccountListsThemOverSeveralPages_ShouldOfferThoseStartingWithTheWordSorted()
    {
        var account = NewAccount();
        _arm.Model.RunbookPageSize = 2;
        foreach (var name in new[] { "Onboard-Web", "Offboard-Vm", "onboard-db", "Report", "Onboard-Vm" }) _arm.Model.AddRunbook(account, name);

        var runbooks = await RunbookNameSource.RunbooksAsync(Request(account), "onb", CancellationToken.None);

        Assert.Equal(["onboard-db", "Onboard-Vm", "Onboard-Web"], runbooks.Select(r => r.Name));
        Assert.Equal(3, _arm.Calls("runbook-list"));
    }

    [Fact]
    public async Task Runbooks_WhenAskedAgainWithinTheCacheDuration_ShouldAnswerWithoutCallingArm()
    {
        var account = NewAccount();
        _arm.Model.AddRunbook(account, "Onboard-Vm");
        _arm.Model.AddRunbook(account, "Offboard-Vm");

        await RunbookNameSource.RunbooksAsync(Request(account), null, CancellationToken.None);
        var second = await RunbookNameSource.RunbooksAsync(Request(account), "Off", CancellationToken.None);

        Assert.Equal(["Offboard-Vm"], second.Select(r => r.Name));
        Assert.Equal(1, _arm.Calls("runbook-list"));
    }

    [Fact]
    public async Task Runbooks_WhenArmRefuses_ShouldOfferNothingAndNotRememberTheFailure()
    {
        var account = NewAccount();
        _arm.Model.AddRunbook(account, "Onboard-Vm");
        _arm.Fail("runbook-list", 403);

        var refused = await RunbookNameSource.RunbooksAsync(Request(account), null, CancellationToken.None);
        var next = await RunbookNameSource.RunbooksAsync(Request(account), null, CancellationToken.None);

        Assert.Empty(refused);
        Assert.Equal(["Onboard-Vm"], next.Select(r => r.Name));
    }

    [Fact]
    public async Task Runbooks_WhenArmAnswersSlowerThanTheTimeout_ShouldOfferNothingWithinTheTimeout()
    {
        var account = NewAccount();
        _arm.Model.AddRunbook(account, "Onboard-Vm");
        _arm.Fail("runbook-list", 200, delay: TimeSpan.FromSeconds(20));
        var watch = Stopwatch.StartNew();

        var runbooks = await RunbookNameSource.RunbooksAsync(Request(account), null, TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.Empty(runbooks);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"The completion took {watch.Elapsed}.");
    }

    [Fact]
    public async Task Runbooks_WhenArmIsThrottling_ShouldNotWaitOutItsRetryAfter()
    {
        var account = NewAccount();
        _arm.Model.AddRunbook(account, "Onboard-Vm");
        _arm.Fail("runbook-list", 429, count: 10, retryAfter: TimeSpan.FromSeconds(30));
        var watch = Stopwatch.StartNew();

        var runbooks = await RunbookNameSource.RunbooksAsync(Request(account), null, CancellationToken.None);

        Assert.Empty(runbooks);
        Assert.True(watch.Elapsed < RunbookNameSource.Timeout + TimeSpan.FromSeconds(2), $"The completion took {watch.Elapsed}.");
    }

    [Fact]
    public async Task Runbooks_WhenNoAutomationAccountIsConfigured_ShouldOfferNothingWithoutCallingArm()
    {
        var runbooks = await RunbookNameSource.RunbooksAsync(Request(account: null), null, CancellationToken.None);

        Assert.Empty(runbooks);
        Assert.Equal(0, _arm.TotalCalls);
    }

    [Fact]
    public async Task Runbooks_WhenTheAccountHasMoreThanMaxNames_ShouldOfferAtMostMaxNames()
    {
        var account = NewAccount();
        for (var i = 0; i < RunbookNameSource.MaxNames + 30; i++) _arm.Model.AddRunbook(account, $"Runbook-{i:000}");

        var runbooks = await RunbookNameSource.RunbooksAsync(Request(account), null, CancellationToken.None);

        Assert.Equal(RunbookNameSource.MaxNames, runbooks.Count);
        Assert.Equal("Runbook-000", runbooks[0].Name);
    }

    [Fact]
    public async Task Runbooks_WhenManyAccountsAreCompleted_ShouldKeepNoMoreThanMaxCachedAccounts()
    {
        for (var i = 0; i < RunbookNameSource.MaxCachedAccounts + 5; i++)
        {
            var account = NewAccount();
            _arm.Model.AddRunbook(account, "Onboard-Vm");
            Assert.Single(await RunbookNameSource.RunbooksAsync(Request(account), null, CancellationToken.None));
        }

        Assert.True(RunbookNameSource.CachedAccounts <= RunbookNameSource.MaxCachedAccounts, $"{RunbookNameSource.CachedAccounts} accounts kept.");
    }
}
