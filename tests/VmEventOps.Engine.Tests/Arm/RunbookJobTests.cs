using System.Text.Json;
using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Arm;

/// <summary>Runbook jobs against the HTTPS ARM emulator's Automation routes.</summary>
public sealed class RunbookJobTests : IAsyncLifetime
{
    private const string Account = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding";
    private ArmEmulator _arm = null!;

    public async Task InitializeAsync() => _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private ArmGateway Gateway() => VmEventEngine.For(new VmEventOptions { ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity }).Arm(NullHostLog.Instance);

    // An account that accepts quotaPerSecond new jobs per second, and a gateway whose pacer allows jobsPerSecond.
    private ArmGateway PacedGatewayOverQuota(int jobsPerSecond, int quotaPerSecond)
    {
        _arm.JobQuota = new JobQuota(quotaPerSecond, TimeSpan.FromSeconds(1));
        return VmEventEngine.For(new VmEventOptions
        {
            ArmEndpoint = _arm.BaseUri, ArmAllowedHosts = [_arm.BaseUri.Authority], AuthMode = AuthMode.ManagedIdentity, AutomationJobsPerWindow = jobsPerSecond, AutomationJobWindow = TimeSpan.FromSeconds(1),
        }).Arm(NullHostLog.Instance);
    }

    private static RunbookJobRequest Request(Guid? jobId = null, string runbook = "Onboard-Vm") => new()
    {
        AutomationAccountId = Account,
        RunbookName = runbook,
        Parameters = new Dictionary<string, object?> { ["VmName"] = "vm-01", ["Port"] = 1433, ["Tags"] = new Dictionary<string, object?> { ["env"] = "prod" } },
        RunOn = "hybrid-linux",
        JobId = jobId,
    };

    [Fact]
    public async Task Start_ThenWait_ShouldRunTheJobToCompletedAndReturnItsWholeOutput()
    {
        _arm.Model.Runbooks["Onboard-Vm"] = new RunbookScript("Completed", ["line 1", "line 2", "done"], [], null, RunningPolls: 2);
        var gateway = Gateway();

        var started = await gateway.StartRunbookAsync(Request(), CancellationToken.None);
        var ended = await gateway.WaitRunbookJobAsync(Account, started.JobId, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal("New", started.Status);
        Assert.False(started.AlreadyExisted);
        Assert.Equal("Completed", ended.Status);
        Assert.Equal(["line 1", "line 2", "done"], ended.Output);
        Assert.Empty(ended.Errors);
        Assert.NotNull(ended.StartTime);
        Assert.NotNull(ended.EndTime);
        Assert.Equal("hybrid-linux", ended.RunOn);
        Assert.Equal(1, _arm.Calls("job-put"));
    }

    [Fact]
    public async Task Start_ShouldSendEveryParameterJsonEncodedAsTheAzCmdletsDo()
    {
        var started = await Gateway().StartRunbookAsync(Request(), CancellationToken.None);

        var parameters = _arm.Model.Jobs.Values.Single(j => j.Name == started.JobId.ToString()).Parameters;
        Assert.Equal("\"vm-01\"", parameters["VmName"]);
        Assert.Equal("1433", parameters["Port"]);
        Assert.Equal("prod", JsonDocument.Parse(parameters["Tags"]).RootElement.GetProperty("env").GetString());
        // The job read back shows what it was started with, as Automation keeps it.
        Assert.Equal(parameters["VmName"], started.Parameters["VmName"]);
        Assert.Equal(parameters["Port"], started.Parameters["port"]);
    }

    [Fact]
    public async Task Wait_ForAFailedJob_ShouldReturnItsExceptionAndErrorStream()
    {
        _arm.Model.Runbooks["Broken"] = new RunbookScript("Failed", ["starting"], ["Cannot reach 10.0.0.4:1433"], "The term 'Connect-Db' is not recognized.");
        var gateway = Gateway();

        var started = await gateway.StartRunbookAsync(Request(runbook: "Broken"), CancellationToken.None);
        var ended = await gateway.WaitRunbookJobAsync(Account, started.JobId, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.True(ended.IsFailure);
        Assert.Equal("The term 'Connect-Db' is not recognized.", ended.Exception);
        Assert.Equal(["Cannot reach 10.0.0.4:1433", "The term 'Connect-Db' is not recognized."], ended.Errors);
        Assert.Contains("ended Failed", RunbookJobFailure.For(ended).Message);
    }

    [Fact]
    public async Task Start_TheSameJobNameTwice_ShouldStartOneJobAndAdoptItTheSecondTime()
    {
        var jobId = RunbookJobNames.ForVm(Guid.NewGuid(), "Onboard-Vm");
        var gateway = Gateway();

        var first = await gateway.StartRunbookAsync(Request(jobId), CancellationToken.None);
        var second = await gateway.StartRunbookAsync(Request(jobId), CancellationToken.None);

        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(jobId, second.JobId);
        Assert.Single(_arm.Model.Jobs);
        Assert.Equal(1, _arm.Calls("job-put"));
        Assert.Equal(2, _arm.Calls("job-get")); // one idempotency GET per start
    }

    [Fact]
    public async Task Start_AKnownNewName_ShouldPutWithoutTheGetAndStillAdoptAJobThatExistsAfterAll()
    {
        var jobId = Guid.NewGuid();
        var gateway = Gateway();

        var first = await gateway.StartRunbookAsync(Request(jobId) with { KnownNew = true }, CancellationToken.None);
        var second = await gateway.StartRunbookAsync(Request(jobId) with { KnownNew = true }, CancellationToken.None);

        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted); // Automation answered 409; the job was read and adopted
        Assert.Single(_arm.Model.Jobs);
        Assert.Equal(2, _arm.Calls("job-put"));
        Assert.Equal(1, _arm.Calls("job-get"));
    }

    [Fact]
    public async Task Start_BeyondTheAccountsJobQuota_ShouldBeAnswered429WithRetryAfterWhichTheClientHonours()
    {
        _arm.JobQuota = new JobQuota(1, TimeSpan.FromSeconds(2));
        var gateway = Gateway();
        await gateway.StartRunbookAsync(Request(), CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var second = await gateway.StartRunbookAsync(Request(), CancellationToken.None);

        Assert.Equal("New", second.Status);
        Assert.True(_arm.Calls("job-throttled") >= 1);
        Assert.Equal(2, _arm.Model.Jobs.Count);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), $"the second job waited {watch.Elapsed} for the quota window");
    }

    [Fact]
    public async Task Start_ManyAtOnceWithThePacerAtTheQuota_ShouldNeverCauseA429()
    {
        // One process alone: its pacer keeps it inside the account's quota, whatever the latency.
        var gateway = PacedGatewayOverQuota(jobsPerSecond: 5, quotaPerSecond: 5);

        var jobs = await Task.WhenAll(Enumerable.Range(0, 15).Select(_ => gateway.StartRunbookAsync(Request(), CancellationToken.None)));

        Assert.Equal(15, jobs.Select(j => j.JobId).Distinct().Count());
        Assert.Equal(15, _arm.Model.Jobs.Count);
        Assert.Equal(0, _arm.Calls("job-throttled"));
    }

    [Fact]
    public async Task Start_WhenOtherProcessesShareTheQuota_ShouldWaitOutEach429AndStartEveryJobOnce()
    {
        // The pacer allows four times what the account accepts, as four processes would together.
        var gateway = PacedGatewayOverQuota(jobsPerSecond: 20, quotaPerSecond: 5);

        var jobs = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => gateway.StartRunbookAsync(Request(), CancellationToken.None)));

        Assert.Equal(20, _arm.Model.Jobs.Count);
        Assert.Equal(20, jobs.Select(j => j.JobId).Distinct().Count());
        Assert.True(_arm.Calls("job-throttled") > 0);
    }

    [Fact]
    public void JobQuota_ShouldAllowItsCountPerSlidingWindowAndSayWhenTheNextSlotFrees()
    {
        var quota = new JobQuota(2, TimeSpan.FromSeconds(30));

        Assert.True(quota.TryTake(out _));
        Assert.True(quota.TryTake(out _));
        Assert.False(quota.TryTake(out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Start_WhenAnotherWorkerWinsTheRace_ShouldAdoptTheJobAutomationSaysExists()
    {
        var jobId = Guid.NewGuid();
        var gateway = Gateway();
        await gateway.StartRunbookAsync(Request(jobId), CancellationToken.None);
        _arm.Fail("job-get", 404); // our idempotency GET misses the job the other worker just created

        var adopted = await gateway.StartRunbookAsync(Request(jobId), CancellationToken.None);

        Assert.True(adopted.AlreadyExisted);
        Assert.Single(_arm.Model.Jobs);
    }

    [Fact]
    public async Task Start_UnderAThrottlingStorm_ShouldHonourRetryAfterAndStartOnce()
    {
        _arm.Fail("job-put", 429, count: 3, retryAfter: TimeSpan.FromSeconds(1));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var started = await Gateway().StartRunbookAsync(Request(), CancellationToken.None);

        Assert.Equal("New", started.Status);
        Assert.Equal(4, _arm.Calls("job-put"));
        Assert.Single(_arm.Model.Jobs);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.9), $"waited {watch.Elapsed} for three Retry-After: 1");
    }

    [Fact]
    public async Task Wait_PastTheTimeout_ShouldFailWithRunbookJobTimeoutAndLeaveTheJobRunning()
    {
        _arm.Model.Runbooks["Slow"] = new RunbookScript("Completed", ["late"], [], null, RunningPolls: 1000);
        var gateway = Gateway();
        var started = await gateway.StartRunbookAsync(Request(runbook: "Slow"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() =>
            gateway.WaitRunbookJobAsync(Account, started.JobId, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Equal(ErrorIds.RunbookJobTimeout, error.ErrorId);
        Assert.Contains("goes on in Azure", error.Message);
        Assert.Equal("Running", (await gateway.GetRunbookJobAsync(Account, started.JobId, includeStreams: true, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Start_WhenTheIdentityLacksTheRole_ShouldNameAutomationJobOperator()
    {
        _arm.Fail("job-put", 403);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => Gateway().StartRunbookAsync(Request(), CancellationToken.None));

        Assert.Equal(ErrorIds.ArmForbidden, error.ErrorId);
        Assert.Contains("Automation Job Operator", error.Message);
    }

    [Fact]
    public void JobNames_ForTheSameVmAndRunbook_ShouldBeStableVersion5Guids()
    {
        var vmId = Guid.Parse("0f47b100-583c-48e3-a4c0-aefc2c9bbcc1");

        var first = RunbookJobNames.ForVm(vmId, "Onboard-Vm");

        Assert.Equal(first, RunbookJobNames.ForVm(vmId, "onboard-vm"));
        Assert.NotEqual(first, RunbookJobNames.ForVm(vmId, "Other"));
        Assert.NotEqual(first, RunbookJobNames.ForVm(Guid.NewGuid(), "Onboard-Vm"));
        Assert.Equal('5', first.ToString("D")[14]);
    }
}
