using Azure.Storage.Queues;
using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>The processor end to end: Azurite queues and table, the HTTPS ARM emulator, managed-identity tokens, SQLite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EventProcessorTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private const string Account = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/aa-onboarding";
    private readonly TempDirectory _temp = new();
    private ArmEmulator _arm = null!;
    private VmEventOptions _options = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        var database = Path.Combine(_temp.Path, "app.db");
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
        }

        _options = WorkflowTestOptions.For(azurite, _arm) with
        {
            DbProvider = DbProvider.Sqlite,
            DbServer = database,
            RetryBaseDelay = TimeSpan.FromSeconds(30),
        };
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    private EventProcessor Processor(VmEventOptions? options = null, Func<CancellationToken, Task<string?>>? dbPassword = null) =>
        VmEventEngine.For(options ?? _options).Processor(NullHostLog.Instance, dbPassword);

    private QueueManager Queues(VmEventOptions? options = null) => VmEventEngine.For(options ?? _options).Queues(NullHostLog.Instance);

    private async Task<VmEventMessage> Enqueue(string json)
    {
        var queues = Queues();
        await queues.SendToMainAsync(json);
        return await queues.ReceiveOneAsync();
    }

    private static string EventFor(ArmVm vm) => QueueTestMessages.EventFor(vm.Id);

    private async Task<int> Count(QueueKind kind) => await Queues().CountAsync(kind, CancellationToken.None);

    [Fact]
    public async Task Process_ANewVm_ShouldStartOneJobRecordTheStateAndMoveTheMessageToSucceeded()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-new", ["10.0.0.4"]);

        var result = await Processor().ProcessAsync(await Enqueue(EventFor(vm)), force: false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.Equal("10.0.0.4", result.PrivateIpAddress);
        Assert.Equal(RunbookJobNames.ForVm(vm.VmId, "Onboard-Vm"), result.JobId);
        Assert.StartsWith("OK (Sqlite", result.DbCheck);
        Assert.Equal(1, _arm.Calls("job-put"));
        // Three ARM calls for a new VM: no idempotency GET before the first claim's PUT.
        Assert.Equal((1, 1, 0), (_arm.Calls("vm"), _arm.Calls("nic"), _arm.Calls("job-get")));
        Assert.Equal("\"vm-new\"", _arm.Model.Jobs.Values.Single().Parameters["VmName"]);
        Assert.Equal(0, await Count(QueueKind.Main));
        var succeeded = Assert.Single(await Queues().PeekAsync(QueueKind.Succeeded, 32, null, CancellationToken.None));
        Assert.Equal(1, succeeded.Attempt);
        var state = await VmEventEngine.For(_options).State().GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None);
        Assert.Equal(OnboardingStatus.Succeeded, state!.State);
        Assert.Equal(vm.VmId, state.VmId);
        Assert.Equal(result.JobId, state.JobId);
    }

    [Fact]
    public async Task Process_AnUpdateOfAnOnboardedVm_ShouldBeAlreadyOnboardedAndStartNothing()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-update", ["10.0.0.5"]);
        await Processor().ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);

        var again = await Processor().ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);
        var forced = await Processor().ProcessAsync(await Enqueue(EventFor(vm)), true, CancellationToken.None);

        Assert.Equal(VmEventOutcome.AlreadyOnboarded, again.Outcome);
        Assert.Equal(VmEventOutcome.Succeeded, forced.Outcome); // -Force re-runs: the job of that name is found, not started twice
        Assert.Equal(1, _arm.Calls("job-put"));
        Assert.Equal(1, _arm.Calls("job-get")); // the forced run looks for the job first
        Assert.Equal(0, await Count(QueueKind.Main));
    }

    [Fact]
    public async Task Process_AVmCreatedAgainUnderTheSameName_ShouldBeOnboardedAgain()
    {
        var first = _arm.Model.AddVm(Sub, "rg-app", "vm-reborn", ["10.0.0.6"]);
        await Processor().ProcessAsync(await Enqueue(EventFor(first)), false, CancellationToken.None);
        var second = _arm.Model.AddVm(Sub, "rg-app", "vm-reborn", ["10.0.0.7"]); // same id, new vmId

        var result = await Processor().ProcessAsync(await Enqueue(EventFor(second)), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.Equal(2, _arm.Calls("job-put"));
    }

    [Fact]
    public async Task Process_AVmOutsideTheScope_ShouldBeIgnoredAndDeleted()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-other", "vm-forged", ["10.0.0.8"]);

        var result = await Processor().ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.Ignored, result.Outcome);
        Assert.Equal(RejectReasons.OutOfScope, result.Reason);
        Assert.Equal(0, _arm.TotalCalls);
        Assert.Equal(0, await Count(QueueKind.Main));
    }

    [Fact]
    public async Task Process_AVmThatIsGone_ShouldBeIgnoredAsVmNotFound()
    {
        var id = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-gone");

        var result = await Processor().ProcessAsync(await Enqueue(VmWriteEventFactory.Create(id, null, null, DateTimeOffset.UtcNow)), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.Ignored, result.Outcome);
        Assert.Equal(ErrorIds.VmNotFound, result.Reason);
        // The claim inserted beside the VM GET is taken back.
        Assert.Null(await VmEventEngine.For(_options).State().GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Process_AMalformedMessage_ShouldGoToPoisonWithItsReasonAndTheOriginalVerbatim()
    {
        var result = await Processor().ProcessAsync(await Enqueue("{\"not\":\"an event\"}"), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.Equal("Malformed:UnknownSchema", result.Reason);
        var poisoned = Assert.Single(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
        Assert.Equal("Malformed:UnknownSchema", poisoned.Reason);
        Assert.Equal(0, await Count(QueueKind.Main));
    }

    [Fact]
    public async Task Process_WithTheDatabasePasswordFromKeyVault_ShouldUseARotatedPasswordWithoutANewProcessor()
    {
        DatabaseServers.EnsureListening(DatabaseServers.PostgreSqlPort);
        await using var vault = await KeyVaultEmulator.StartAsync(TestTrust.Certificate, SafeIdentityEnvironment.Emulator.TenantId);
        vault.SetSecret("db-password", "not-the-password-yet");
        var environment = new System.Collections.Hashtable
        {
            ["VMEVENTOPS_AUTHMODE"] = "ManagedIdentity",
            ["VMEVENTOPS_KEYVAULTCACHEDURATION"] = "0",
            ["VMEVENTOPS_KEYVAULTALLOWEDHOSTS"] = vault.VaultUri.Authority,
            ["VMEVENTOPS_DBPASSWORD"] = $"@Microsoft.KeyVault(SecretUri={vault.VaultUri}secrets/db-password)",
        };
        var configuration = await VmEventEngine.Secrets.ResolveAsync(
            new ConfigurationLoader(NullHostLog.Instance, () => environment).Load(new ConfigurationRequest()), NullHostLog.Instance, CancellationToken.None);
        var options = _options with
        {
            DbProvider = DbProvider.PostgreSql,
            DbServer = DatabaseServers.Host,
            DbPort = DatabaseServers.PostgreSqlPort,
            DbName = DatabaseServers.Database,
            DbUser = DatabaseServers.User,
            DbPassword = configuration.Options.DbPassword,
            DbEncryption = DbEncryption.Optional,
        };
        var processor = Processor(options, VmEventEngine.Secrets.SecretSource(configuration, "DbPassword", NullHostLog.Instance));

        var before = await processor.ProcessAsync(await Enqueue(EventFor(_arm.Model.AddVm(Sub, "rg-app", "vm-kv-1", ["10.0.0.21"]))), false, CancellationToken.None);
        vault.SetSecret("db-password", DatabaseServers.Password); // rotated in the vault: the running processor reads it at its next check
        var after = await processor.ProcessAsync(await Enqueue(EventFor(_arm.Model.AddVm(Sub, "rg-app", "vm-kv-2", ["10.0.0.22"]))), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.RetryScheduled, before.Outcome);
        Assert.Equal("Login LoginFailed", before.DbCheck);
        Assert.Equal(VmEventOutcome.Succeeded, after.Outcome);
        Assert.StartsWith("OK (PostgreSql", after.DbCheck);
        Assert.Equal(3, vault.Reads("db-password"));
    }

    [Fact]
    public async Task Process_SqliteCheckWithAPassword_ShouldDeadLetterAtOnceAsSettingsToFix()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-sqlite-pw", ["10.0.0.9"]);

        var result = await Processor(_options with { DbPassword = "never-works-with-sqlite" })
            .ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome); // not retried: no attempt can succeed
        Assert.Equal(1, result.Attempt);
        Assert.Contains(ErrorIds.DbNotConfigured, result.Reason);
        Assert.DoesNotContain("never-works-with-sqlite", result.Reason);
        Assert.Equal(0, _arm.Calls("job-put"));
    }

    [Fact]
    public async Task Process_WhenTheDatabaseCheckFails_ShouldScheduleARetryThenDeadLetterAfterTheLastAttempt()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-nodb", ["10.0.0.9"]);
        var options = _options with { DbServer = Path.Combine(_temp.Path, "missing.db"), MaxAttempts = 2, RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(1) };

        var first = await Processor(options).ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var retried = (await Queues(options).ReceiveAsync(QueueKind.Retry, 1, TimeSpan.FromMinutes(1), null, CancellationToken.None)).Single();
        var second = await Processor(options).ProcessAsync(retried, false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.RetryScheduled, first.Outcome);
        Assert.Contains("DatabaseNotFound", first.Reason);
        Assert.NotNull(first.NextAttemptOn);
        Assert.Equal(1, retried.Attempt);
        Assert.Equal(VmEventOutcome.DeadLettered, second.Outcome);
        Assert.Equal(2, second.Attempt);
        var poisoned = Assert.Single(await Queues(options).PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
        Assert.Equal(2, poisoned.History.Count);
        Assert.Equal(0, _arm.Calls("job-put"));
        var state = (await VmEventEngine.For(options).State().GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None))!;
        Assert.Equal(OnboardingStatus.DeadLettered, state.State);
        // The record keeps how each attempt ended (the trail's source: a scheduled retry's message cannot be seen), at the
        // times the envelope history has; the dead-lettered record has no retry due.
        Assert.Equal([(1, "RetryScheduled"), (2, "DeadLettered")], state.History.Select(h => (h.Attempt, h.Outcome)));
        Assert.All(state.History, h => Assert.StartsWith("DatabaseCheck: VmDbCheckFailed: ", h.Reason));
        Assert.Equal(poisoned.History.Select(h => h.Time), state.History.Select(h => h.Time));
        Assert.Null(state.NextAttemptOn);
    }

    [Fact]
    public async Task Process_ARetryScheduled_ShouldRecordWhenItComesDue_AndTheClaimShouldKeepTheHistory()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-due", ["10.0.0.13"]);
        var missing = _options with { DbServer = Path.Combine(_temp.Path, "later.db"), RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(1) };
        var store = VmEventEngine.For(missing).State();

        var first = await Processor(missing).ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);
        var waiting = (await store.GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None))!;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={missing.DbServer};Pooling=False"))
        {
            await connection.OpenAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var retried = (await Queues(missing).ReceiveAsync(QueueKind.Retry, 1, TimeSpan.FromMinutes(1), null, CancellationToken.None)).Single();
        var second = await Processor(missing).ProcessAsync(retried, false, CancellationToken.None);
        var done = (await store.GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None))!;

        Assert.Equal(VmEventOutcome.RetryScheduled, first.Outcome);
        Assert.Equal(first.NextAttemptOn, waiting.NextAttemptOn);
        Assert.Equal(VmEventOutcome.Succeeded, second.Outcome);
        Assert.Null(done.NextAttemptOn);
        Assert.Equal([(1, "RetryScheduled"), (2, "Succeeded")], done.History.Select(h => (h.Attempt, h.Outcome)));
        Assert.Equal("JobStarted", done.History[^1].Reason);
    }

    [Fact]
    public async Task Process_WhenTheQuotaIsFurtherAwayThanTheJobMaxWait_ShouldDeferWithoutUsingAnAttempt()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-throttled", ["10.0.0.12"]);
        // Automation says the next job slot is 2 s away; the message may be held for 1 s: it is deferred, and only one attempt is allowed.
        _arm.Fail("job-put", 429, count: 1, retryAfter: TimeSpan.FromSeconds(2));
        var options = _options with { MaxAttempts = 1, AutomationJobMaxWait = TimeSpan.FromSeconds(1) };

        var first = await Processor(options).ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);
        var afterFirst = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(2.5));   // Retry-After 2 s plus up to 20 % jitter
        var deferred = (await Queues(options).ReceiveAsync(QueueKind.Retry, 1, TimeSpan.FromMinutes(1), null, CancellationToken.None)).Single();
        var second = await Processor(options).ProcessAsync(deferred, false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.RetryScheduled, first.Outcome);   // not DeadLettered, although MaxAttempts is 1
        Assert.Equal("Throttled", first.Reason);
        Assert.Equal(0, first.Attempt);
        // Due Retry-After (+ jitter) after the attempt ended, measured from just after it: not from after the second attempt, whose time a loaded machine stretches.
        Assert.InRange(first.NextAttemptOn!.Value - afterFirst, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.4));
        Assert.Equal(0, deferred.Attempt);                             // the envelope: no attempt used up
        Assert.Equal("Throttled", deferred.History[^1].Stage);
        Assert.Contains(ErrorIds.ArmThrottled, deferred.History[^1].Error);
        Assert.Equal(VmEventOutcome.Succeeded, second.Outcome);
        Assert.Equal(1, second.Attempt);
        Assert.Equal(2, _arm.Calls("job-put"));   // the 429 is not repeated by the client: the pacer decides
        Assert.Single(_arm.Model.Jobs);
        Assert.Empty(await Queues(options).PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
    }

    [Fact]
    public async Task Process_WhenTheQuotaFreesWithinTheJobMaxWait_ShouldHoldTheMessageAndSucceed()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-paced", ["10.0.0.13"]);
        _arm.Fail("job-put", 429, count: 2, retryAfter: TimeSpan.FromSeconds(1));
        var options = _options with { MaxAttempts = 1 };

        var result = await Processor(options).ProcessAsync(await Enqueue(EventFor(vm)), false, CancellationToken.None);

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.Equal(1, result.Attempt);
        Assert.Equal(3, _arm.Calls("job-put"));
        Assert.True(result.Stages["Runbook"] >= 1900, $"the job start waited {result.Stages["Runbook"]} ms for two Retry-After: 1");
        Assert.Empty(await Queues(options).PeekAsync(QueueKind.Retry, 32, null, CancellationToken.None));
    }

    [Fact]
    public async Task Process_TwoWorkersRacingOnOneVm_ShouldStartOneJob()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-race", ["10.0.1.4"]);
        var a = await Enqueue(EventFor(vm));
        var b = await Enqueue(EventFor(vm));

        var results = await Task.WhenAll(Processor().ProcessAsync(a, false, CancellationToken.None), Processor().ProcessAsync(b, false, CancellationToken.None));

        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { VmEventOutcome.Succeeded, VmEventOutcome.AlreadyOnboarded }));
        Assert.Single(_arm.Model.Jobs);
        Assert.Equal(0, await Count(QueueKind.Main));
    }

    [Fact]
    public async Task Process_ABatchOfEvents_ShouldSplitItIntoOneMessageEachSoNoneIsLost()
    {
        var a = _arm.Model.AddVm(Sub, "rg-app", "vm-batch-a", ["10.0.2.4"]);
        var b = _arm.Model.AddVm(Sub, "rg-app", "vm-batch-b", ["10.0.2.5"]);

        var split = await Processor().ProcessAsync(await Enqueue($"[{EventFor(a)},{EventFor(b)}]"), false, CancellationToken.None);
        var next = (await Queues().ReceiveAsync(QueueKind.Main, 32, TimeSpan.FromMinutes(1), null, CancellationToken.None)).ToArray();
        var outcomes = await Task.WhenAll(next.Select(m => Processor().ProcessAsync(m, false, CancellationToken.None)));

        Assert.Equal(VmEventOutcome.Ignored, split.Outcome);
        Assert.Equal("SplitBatch:2", split.Reason);
        Assert.Equal(2, next.Length);
        Assert.All(outcomes, o => Assert.Equal(VmEventOutcome.Succeeded, o.Outcome));
        Assert.Equal(2, _arm.Model.Jobs.Count);
    }

    [Fact]
    public void Create_WithoutARunbook_ShouldRefuseAndSayWhatToSet()
    {
        var error = Assert.Throws<VmEventOpsException>(() => Processor(_options with { RunbookName = null }));

        Assert.Equal(ErrorIds.RunbookNotConfigured, error.ErrorId);
    }
}
