using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Arm;

/// <summary>What an ended job brings back: every page of its error stream (JobStream_ListByJob and its nextLink), and what was read when a part cannot be.</summary>
public sealed class RunbookJobStreamTests : IAsyncLifetime
{
    private const string Account = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private VmEventOptions Options => new() { ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity };

    private static RunbookJobRequest Request(string runbook) => new() { AutomationAccountId = Account, RunbookName = runbook };

    private static string[] Records(int count) => Enumerable.Range(1, count).Select(i => $"Cannot reach 10.0.{i / 250}.{i % 250}:1433 (record {i})").ToArray();

    private static async Task<VmRunbookJob> RunAsync(ArmGateway gateway, string runbook)
    {
        var started = await gateway.StartRunbookAsync(Request(runbook), CancellationToken.None);
        return await gateway.WaitRunbookJobAsync(Account, started.JobId, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    [Fact]
    public async Task Wait_ForAJobWithMoreErrorRecordsThanAPage_ShouldFollowNextLinkAndReturnEveryRecord()
    {
        var records = Records(250);
        _arm.Model.StreamPageSize = 100;
        _arm.Model.Runbooks["Noisy"] = new RunbookScript("Failed", ["starting"], records, "Too many failures.");

        var ended = await RunAsync(VmEventEngine.For(Options).Arm(NullHostLog.Instance), "Noisy");

        Assert.Equal("Failed", ended.Status);
        Assert.Equal([.. records, "Too many failures."], ended.Errors);
        Assert.Equal(3, _arm.Calls("job-streams"));   // 100 + 100 + 50
        Assert.Empty(ended.ReadFailures);
    }

    [Fact]
    public async Task Get_WhenTheErrorStreamHasMorePagesThanArmMaxPages_ShouldStopThereAndSayWhereInAWarning()
    {
        _arm.Model.StreamPageSize = 10;
        _arm.Model.Runbooks["Noisy"] = new RunbookScript("Failed", [], Records(35), null);
        var started = await RunAsync(VmEventEngine.For(Options).Arm(NullHostLog.Instance), "Noisy");
        var log = new RecordingHostLog();

        var job = await VmEventEngine.For(Options with { ArmMaxPages = 2 }).Arm(log).GetRunbookJobAsync(Account, started.JobId, includeStreams: true, CancellationToken.None);

        Assert.Equal(Records(20), job.Errors);
        var warning = Assert.Single(log.Warnings, w => w.Contains(started.JobId.ToString()) && w.Contains("ArmMaxPages"));
        Assert.Contains("20 record(s)", warning);
        Assert.Contains("2 page(s)", warning);
    }

    [Fact]
    public async Task Wait_WhenANextLinkPointsAwayFromTheArmEndpoint_ShouldNotFollowItAndSaySoAsAReadFailure()
    {
        _arm.Model.StreamPageSize = 10;
        _arm.Model.StreamNextLinkBase = new Uri("https://elsewhere.invalid/");
        _arm.Model.Runbooks["Noisy"] = new RunbookScript("Failed", [], Records(15), null);

        var ended = await RunAsync(VmEventEngine.For(Options).Arm(NullHostLog.Instance), "Noisy");

        Assert.Equal(Records(10), ended.Errors);
        var failure = Assert.Single(ended.ReadFailures);
        Assert.Equal(ErrorIds.ArmRequestFailed, failure.ErrorId);
        Assert.Equal(VmErrorCategory.InvalidResult, failure.Category);
        Assert.Contains("nextLink", failure.Message);
        Assert.Equal(1, _arm.Calls("job-streams"));
    }

    [Fact]
    public async Task Wait_WhenANextLinkIsAPathOnly_ShouldFollowItOnTheArmEndpoint()
    {
        _arm.Model.StreamPageSize = 10;
        _arm.Model.RelativeStreamNextLink = true;
        _arm.Model.Runbooks["Noisy"] = new RunbookScript("Failed", [], Records(15), null);

        var ended = await RunAsync(VmEventEngine.For(Options).Arm(NullHostLog.Instance), "Noisy");

        Assert.Equal(Records(15), ended.Errors);
        Assert.Empty(ended.ReadFailures);
        Assert.Equal(2, _arm.Calls("job-streams"));
    }

    [Fact]
    public async Task Wait_WhenTheErrorStreamCannotBeRead_ShouldReturnTheEndedJobWithItsOutputAndTheReadFailure()
    {
        _arm.Model.Runbooks["Onboard-Vm"] = new RunbookScript("Completed", ["Onboarding started", "Onboarded"], [], null);
        _arm.Fail("job-streams", 403);

        var ended = await RunAsync(VmEventEngine.For(Options).Arm(NullHostLog.Instance), "Onboard-Vm");

        Assert.Equal("Completed", ended.Status);
        Assert.Equal(["Onboarding started", "Onboarded"], ended.Output);
        var failure = Assert.Single(ended.ReadFailures);
        Assert.Equal(ErrorIds.ArmForbidden, failure.ErrorId);
        Assert.Contains("error stream", failure.Message);
    }

    [Fact]
    public async Task Wait_WhenTheOutputCannotBeRead_ShouldReturnTheEndedJobWithItsErrorsAndTheReadFailure()
    {
        _arm.Model.Runbooks["Broken"] = new RunbookScript("Failed", ["starting"], ["Cannot reach the database"], "The term 'Connect-Db' is not recognized.");
        _arm.Fail("job-output", 404);

        var ended = await RunAsync(VmEventEngine.For(Options).Arm(NullHostLog.Instance), "Broken");

        Assert.Equal("Failed", ended.Status);
        Assert.Empty(ended.Output);
        Assert.Equal(["Cannot reach the database", "The term 'Connect-Db' is not recognized."], ended.Errors);
        var failure = Assert.Single(ended.ReadFailures);
        Assert.Equal(VmErrorCategory.ObjectNotFound, failure.Category);
        Assert.Contains("output", failure.Message);
    }
}
