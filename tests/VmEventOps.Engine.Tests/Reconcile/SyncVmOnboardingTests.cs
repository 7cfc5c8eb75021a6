using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Reconcile;

/// <summary>The sweep end to end: Azurite queues, table and blobs, the HTTPS ARM emulator with its paged VM lists, the real worker.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SyncVmOnboardingTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private const string Sub = WorkflowTestOptions.Subscription;
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
            DeadLetterContainerName = "dl" + Guid.NewGuid().ToString("n")[..12],
        };
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    private OnboardingReconciler Reconciler(VmEventOptions? options = null, IHostLog? log = null) => VmEventEngine.For(options ?? _options).Reconciler(log ?? NullHostLog.Instance);

    private QueueManager Queues() => VmEventEngine.For(_options).Queues(NullHostLog.Instance);

    private async Task<(VmReconcileSummary Summary, List<VmReconcileItem> Items)> Sync(ReconcileRequest? request = null, VmEventOptions? options = null, IHostLog? log = null)
    {
        var items = new ConcurrentQueue<VmReconcileItem>();
        var summary = await Reconciler(options, log).SyncAsync(request ?? new ReconcileRequest(), items.Enqueue, CancellationToken.None);
        return (summary, items.ToList());
    }

    private async Task<List<VmEventResult>> RunWorkerUntilEmpty()
    {
        var results = new List<VmEventResult>();
        var worker = new QueueWorker(VmEventEngine.For(_options).Processor(NullHostLog.Instance), Queues(), NullHostLog.Instance);
        await worker.RunAsync(new WorkerSettings { Concurrency = 4, BatchSize = 8, StopWhenEmpty = true }, r => { lock (results) results.Add(r); }, CancellationToken.None);
        return results;
    }

    private BlobContainerClient DeadLetterContainer() => new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_options.DeadLetterContainerName);

    private async Task<string> PutDeadLetter(string name, string text)
    {
        var container = DeadLetterContainer();
        await container.CreateIfNotExistsAsync();
        await container.UploadBlobAsync(name, BinaryData.FromString(text));
        return name;
    }

    private static string DeadLettered(ArmVm vm) => DeadLettered(vm.Id);

    private static string DeadLettered(string vmResourceId) =>
        "[" + QueueTestMessages.EventFor(vmResourceId)[..^1] + ",\"deadLetterReason\":\"MaxDeliveryAttemptsExceeded\",\"deliveryAttempts\":30,\"lastDeliveryOutcome\":\"TimedOut\",\"lastHttpStatusCode\":408,\"publishTime\":\"2026-11-30T10:00:00Z\"}]";

    [Fact]
    public async Task Sync_VmsCreatedWhileTheWorkerWasDown_ShouldBeOnboardedOnceEachEvenWhenTheirEventsArriveToo()
    {
        var vms = Enumerable.Range(1, 3).Select(i => _arm.Model.AddVm(Sub, "rg-app", $"vm-down-{i}", [$"10.0.0.{i + 3}"])).ToArray();
        _arm.Model.AddVm(Sub, "rg-other", "vm-out-of-scope", ["10.9.0.4"]);
        // The VMs' own events arrive as well, late: one before the sweep, one after it.
        await Queues().SendToMainAsync(QueueTestMessages.EventFor(vms[0].Id));

        var (summary, items) = await Sync();
        await Queues().SendToMainAsync(QueueTestMessages.EventFor(vms[1].Id));
        var results = await RunWorkerUntilEmpty();

        Assert.Equal(3, summary.Vms);
        Assert.Equal(3, summary.Queued);
        Assert.True(summary.Complete);
        Assert.Equal(vms.Select(v => v.Name).Order(), items.Where(i => i.Action == VmReconcileAction.Queued).Select(i => i.Name).Order());
        Assert.Equal(3, _arm.Model.Jobs.Count);
        Assert.Equal(3, results.Count(r => r.Outcome == VmEventOutcome.Succeeded));
        Assert.Equal(2, results.Count(r => r.Outcome == VmEventOutcome.AlreadyOnboarded));
        var store = VmEventEngine.For(_options).State();
        foreach (var vm in vms) Assert.Equal(OnboardingStatus.Succeeded, (await store.GetAsync(VmResourceId.Parse(vm.Id), CancellationToken.None))!.State);

        // The next sweep finds nothing to do.
        var (again, againItems) = await Sync();
        Assert.Equal((3, 0, 3), (again.Vms, again.Queued, again.Onboarded));
        Assert.Empty(againItems);
    }

    [Fact]
    public async Task Sync_WithWhatIf_ShouldListWhatItWouldQueueAndSendNothing()
    {
        _arm.Model.AddVm(Sub, "rg-app", "vm-whatif", ["10.0.0.4"]);
        var blob = await PutDeadLetter("SUB/2026/11/30/10/whatif.json", DeadLettered(_arm.Model.AddVm(Sub, "rg-app", "vm-dead", ["10.0.0.5"])));

        var (summary, items) = await Sync(new ReconcileRequest { WhatIf = true });

        Assert.True(summary.WhatIf);
        Assert.Equal(2, summary.Queued);
        Assert.Contains(items, i => i.Action == VmReconcileAction.WouldQueue && i.Name == "vm-whatif" && i.Status == ComplianceStatus.Missing);
        Assert.Contains(items, i => i.Action == VmReconcileAction.WouldReplay && i.Name == "vm-dead");
        Assert.Equal(0, await Queues().CountAsync(QueueKind.Main, CancellationToken.None));
        var properties = await DeadLetterContainer().GetBlobClient(blob).GetPropertiesAsync();
        Assert.False(properties.Value.Metadata.ContainsKey(DeadLetterStore.ReplayedKey));
    }

    [Fact]
    public async Task Sync_ARecordWhoseVmIsGone_ShouldBeReportedGone()
    {
        _arm.Model.AddVm(Sub, "rg-app", "vm-here", ["10.0.0.4"]);
        var gone = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-deleted");
        var elsewhere = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-other/providers/Microsoft.Compute/virtualMachines/vm-not-in-scope");
        var store = VmEventEngine.For(_options).State();
        await store.TryWriteAsync(gone, new OnboardingState { VmResourceId = gone.Value, VmId = Guid.NewGuid(), State = OnboardingStatus.Succeeded }, null, CancellationToken.None);
        await store.TryWriteAsync(elsewhere, new OnboardingState { VmResourceId = elsewhere.Value, VmId = Guid.NewGuid(), State = OnboardingStatus.Succeeded }, null, CancellationToken.None);

        var (summary, items) = await Sync();

        var item = Assert.Single(items, i => i.Action == VmReconcileAction.Gone);
        Assert.Equal("vm-deleted", item.Name);
        Assert.Equal(1, summary.Gone);
    }

    [Fact]
    public async Task Sync_WhenArmThrottlesTheListWithALongRetryAfter_ShouldDeferTheScopeReportNoRecordGoneAndNotSleep()
    {
        _arm.Model.AddVm(Sub, "rg-app", "vm-here", ["10.0.0.4"]);
        var gone = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-deleted");
        await VmEventEngine.For(_options).State().TryWriteAsync(gone, new OnboardingState { VmResourceId = gone.Value, State = OnboardingStatus.Succeeded }, null, CancellationToken.None);
        _arm.Fail("vm-list", 429, retryAfter: TimeSpan.FromSeconds(1200), unwrapped: true);
        var log = new RecordingHostLog();
        var started = DateTimeOffset.UtcNow;

        var (summary, items) = await Sync(log: log);

        Assert.False(summary.Complete);
        Assert.Equal(TimeSpan.FromSeconds(1200), summary.RetryAfter);
        Assert.Equal(0, summary.Gone);
        Assert.Empty(items);
        Assert.Contains(ErrorIds.ReconcileIncomplete, summary.Reason);
        Assert.Contains(log.Warnings, w => w.Contains("1200 s"));
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Sync_WithResourceGraph_ShouldQueueWithOneQueryAndReportGone()
    {
        _arm.Model.AddVm(Sub, "rg-app", "vm-graph", ["10.0.0.4"]);
        _arm.Model.AddVm(Sub, "rg-other", "vm-graph-elsewhere", ["10.9.0.4"]);
        var gone = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-deleted");
        await VmEventEngine.For(_options).State().TryWriteAsync(gone, new OnboardingState { VmResourceId = gone.Value, State = OnboardingStatus.Succeeded }, null, CancellationToken.None);

        var (summary, items) = await Sync(options: _options with { ReconcileSource = VmInventorySource.ResourceGraph });

        Assert.Equal((1, 1, 1), (summary.Vms, summary.Queued, summary.Gone));
        Assert.Equal(1, _arm.Calls("graph"));
        Assert.Equal(0, _arm.Calls("vm-list"));
        Assert.Single(items, i => i.Action == VmReconcileAction.Queued && i.Name == "vm-graph");
    }

    [Fact]
    public async Task Replay_ADeadLetterBlobByTwoRacingPasses_ShouldSendItsEventOnceAndMarkIt()
    {
        // A VM the list does not show (deleted since): only the replay sends anything, so the main queue counts the replays.
        var blob = await PutDeadLetter("SUB/2026/11/30/10/race.json", DeadLettered($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-lost-event"));

        var passes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Sync())));

        Assert.Equal(1, passes.Sum(p => p.Summary.DeadLettersReplayed));
        Assert.Single(passes.SelectMany(p => p.Items), i => i.Action == VmReconcileAction.Replayed && i.Name == "vm-lost-event" && i.MessageId is not null);
        var queued = Assert.Single(await Queues().PeekAsync(QueueKind.Main, 32, null, CancellationToken.None));
        Assert.EndsWith("/vm-lost-event", queued.Event!.VmResourceId);
        var properties = await DeadLetterContainer().GetBlobClient(blob).GetPropertiesAsync();
        Assert.Equal("all", properties.Value.Metadata[DeadLetterStore.ReplayedKey]);

        var (third, _) = await Sync();
        Assert.Equal(0, third.DeadLettersReplayed);
        Assert.Equal(1, await Queues().CountAsync(QueueKind.Main, CancellationToken.None));
    }

    [Fact]
    public async Task Sync_AnUnreadableDeadLetterBlob_ShouldBeReportedEveryPassAndNeverDeleted()
    {
        var blob = await PutDeadLetter("SUB/2026/11/30/10/broken.json", "{ this is not json");
        var log = new RecordingHostLog();

        var (first, items) = await Sync(log: log);
        var (second, _) = await Sync();

        Assert.Equal(1, first.DeadLettersUnreadable);
        Assert.Equal(1, second.DeadLettersUnreadable);
        var item = Assert.Single(items, i => i.Action == VmReconcileAction.Unreadable);
        Assert.Equal(blob, item.BlobName);
        Assert.Contains(log.Warnings, w => w.Contains(ErrorIds.DeadLetterUnreadable) && w.Contains(blob));
        Assert.True((await DeadLetterContainer().GetBlobClient(blob).ExistsAsync()).Value);
    }

    [Fact]
    public async Task Replay_OneEventOfABlob_ShouldMarkItAndLeaveTheOthersToTheNextPass()
    {
        var first = _arm.Model.AddVm(Sub, "rg-app", "vm-dl-1", ["10.0.0.4"]);
        var second = _arm.Model.AddVm(Sub, "rg-app", "vm-dl-2", ["10.0.0.5"]);
        var text = DeadLettered(first)[..^1] + "," + DeadLettered(second)[1..];
        var blob = await PutDeadLetter("SUB/2026/11/30/11/two.json", text);
        var store = VmEventEngine.For(_options).DeadLetters(NullHostLog.Instance);
        var queues = Queues();
        Task<string> Send(VmEventDeadLetter item, CancellationToken token) => queues.SendAsync(QueueKind.Main, queues.EncodeForMainQueue(item.Body), null, token);

        var one = await store.ReplayAsync(blob, new HashSet<int> { 1 }, dryRun: false, Send, CancellationToken.None);
        var again = await store.ReplayAsync(blob, new HashSet<int> { 1 }, dryRun: false, Send, CancellationToken.None);
        var rest = await store.ReplayAsync(blob, null, dryRun: false, Send, CancellationToken.None);

        Assert.Equal("vm-dl-2", Assert.Single(one.Sent).Event.VmName);
        Assert.Empty(again.Sent);
        Assert.Equal("vm-dl-1", Assert.Single(rest.Sent).Event.VmName);
        Assert.Equal(2, await queues.CountAsync(QueueKind.Main, CancellationToken.None));
        var pending = new List<string>();
        await foreach (var name in store.PendingAsync(CancellationToken.None)) pending.Add(name);
        Assert.Empty(pending);
    }

    [Fact]
    public async Task Sync_WhenTheSettingsNameNoBlobEndpoint_ShouldWarnAndStillSweep()
    {
        _arm.Model.AddVm(Sub, "rg-app", "vm-no-blobs", ["10.0.0.4"]);
        var options = _options with { StorageConnectionString = azurite.ConnectionStringWithoutBlobs };
        var log = new RecordingHostLog();

        var error = Assert.Throws<VmEventOpsException>(() => VmEventEngine.For(options).DeadLetters(NullHostLog.Instance));
        var (summary, _) = await Sync(options: options, log: log);

        Assert.Equal(ErrorIds.DeadLetterNotConfigured, error.ErrorId);
        Assert.Contains(log.Warnings, w => w.Contains(ErrorIds.DeadLetterNotConfigured));
        Assert.Equal(1, summary.Queued);
    }

    [Fact]
    public async Task Compliance_ShouldGiveEveryVmInScopeItsStatusAndSummarizeByScope()
    {
        var onboarded = _arm.Model.AddVm(Sub, "rg-app", "vm-ok", ["10.0.0.4"]);
        var failed = _arm.Model.AddVm(Sub, "rg-app", "vm-retry", ["10.0.0.5"]);
        var dead = _arm.Model.AddVm(Sub, "rg-app", "vm-dead", ["10.0.0.6"]);
        _arm.Model.AddVm(Sub, "rg-app", "vm-new", ["10.0.0.7"]);
        var store = VmEventEngine.For(_options).State();
        async Task Write(ArmVm vm, OnboardingStatus state) =>
            await store.TryWriteAsync(VmResourceId.Parse(vm.Id), new OnboardingState { VmResourceId = vm.Id, VmId = vm.VmId, State = state, NextAttemptOn = DateTimeOffset.UtcNow.AddMinutes(5), LastError = "VmDbCheckFailed: down" }, null, CancellationToken.None);
        await Write(onboarded, OnboardingStatus.Succeeded);
        await Write(failed, OnboardingStatus.Failed);
        await Write(dead, OnboardingStatus.DeadLettered);
        var compliance = VmEventEngine.For(_options).Compliance(NullHostLog.Instance);
        var records = new List<VmComplianceRecord>();

        await compliance.ReadAsync(records.Add, CancellationToken.None);
        var (summary, _) = await compliance.SummarizeAsync(CancellationToken.None);

        Assert.Equal(
            [("vm-dead", ComplianceStatus.DeadLettered), ("vm-new", ComplianceStatus.Missing), ("vm-ok", ComplianceStatus.Onboarded), ("vm-retry", ComplianceStatus.RetryScheduled)],
            records.Select(r => (r.VmName, r.Status)).Order());
        Assert.All(summary, row => Assert.Equal($"/subscriptions/{Sub}/resourceGroups/rg-app", row.Scope));
        Assert.Equal(4, summary.Sum(r => r.Count));
        Assert.Equal(1, summary.Single(r => r.Status == ComplianceStatus.Missing).Count);
    }
}
