using VmEventOps.Emulators;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

[Collection(AzuriteCollection.Name)]
public sealed class QueueWorkerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private ArmEmulator _arm = null!;
    private VmEventOptions _options = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        _options = WorkflowTestOptions.For(azurite, _arm);
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private QueueWorker Worker() => new(VmEventEngine.For(_options).Processor(NullHostLog.Instance), VmEventEngine.For(_options).Queues(NullHostLog.Instance), NullHostLog.Instance);

    private async Task Enqueue(string json)
    {
        await VmEventEngine.For(_options).Queues(NullHostLog.Instance).SendToMainAsync(json);
    }

    [Fact]
    public async Task Run_OverAMixOfEvents_ShouldOnboardEachVmOnceAndEmptyTheQueue()
    {
        var vms = Enumerable.Range(0, 12).Select(i => _arm.Model.AddVm(Sub, "rg-app", $"vm-{i:00}", [$"10.0.0.{i + 10}"])).ToArray();
        foreach (var vm in vms.Concat(vms.Take(4))) await Enqueue(VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow)); // 4 duplicates
        await Enqueue("garbage");
        var results = new List<VmEventResult>();

        var summary = await Worker().RunAsync(new WorkerSettings { Concurrency = 4, BatchSize = 8, StopWhenEmpty = true }, r => { lock (results) results.Add(r); }, CancellationToken.None);

        Assert.Equal("Empty", summary.StoppedBecause);
        Assert.Equal(17, summary.Processed);
        Assert.Equal(17, results.Count);
        Assert.Equal(12, _arm.Model.Jobs.Count); // one job per VM, duplicates or not
        Assert.Equal(1, summary.Outcomes[VmEventOutcome.DeadLettered]);
        Assert.Equal(16, summary.Outcomes.GetValueOrDefault(VmEventOutcome.Succeeded) + summary.Outcomes.GetValueOrDefault(VmEventOutcome.AlreadyOnboarded));
        Assert.Equal(0, await VmEventEngine.For(_options).Queues(NullHostLog.Instance).CountAsync(QueueKind.Main, CancellationToken.None));
    }

    [Fact]
    public async Task Run_WithAStepSlowerThanTheLease_ShouldRenewTheLeaseAndProcessTheMessageOnce()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-slow", ["10.0.0.99"]);
        await Enqueue(VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow));
        // The VM GET answers after 15 s; the lease is 6 s, renewed every third of it: a loaded machine still renews in time
        // (a 4 s lease lost a renewal once here while another developer's suite ran on the same two cores).
        _arm.Fail("vm", 200, delay: TimeSpan.FromSeconds(15));
        var results = new List<VmEventResult>();

        var summary = await Worker().RunAsync(
            new WorkerSettings { Concurrency = 4, Lease = TimeSpan.FromSeconds(6), StopWhenEmpty = true }, r => { lock (results) results.Add(r); }, CancellationToken.None);

        Assert.Equal(1, summary.Processed);
        Assert.Equal(VmEventOutcome.Succeeded, Assert.Single(results).Outcome);
        Assert.Equal(1, _arm.Calls("vm"));
        Assert.Equal(0, await VmEventEngine.For(_options).Queues(NullHostLog.Instance).CountAsync(QueueKind.Main, CancellationToken.None));
    }

    [Fact]
    public async Task Run_WhenARetryAfterReachesPastMaxRunTime_ShouldDeferTheMessageInsteadOfSleepingPastTheRun()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-late", ["10.0.0.98"]);
        await Enqueue(VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow));
        _arm.Fail("vm", 429, retryAfter: TimeSpan.FromSeconds(20)); // within ArmMaxRetryWait, but the run ends in 5 s
        var results = new List<VmEventResult>();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Worker().RunAsync(new WorkerSettings { MaxRunTime = TimeSpan.FromSeconds(5) }, r => { lock (results) results.Add(r); }, CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the run took {watch.Elapsed}");
        var result = Assert.Single(results);
        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        Assert.Equal("Throttled", result.Reason);
        Assert.Equal(0, result.Attempt);
        Assert.Equal(1, _arm.Calls("vm"));
    }

    [Fact]
    public async Task Run_WithOneSlowMessage_ShouldKeepTheOtherSlotsBusyInsteadOfWaitingForIt()
    {
        var vms = Enumerable.Range(0, 6).Select(i => _arm.Model.AddVm(Sub, "rg-app", $"vm-pipe-{i}", [$"10.0.1.{i + 10}"])).ToArray();
        foreach (var vm in vms) await Enqueue(VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow));
        _arm.Fail("vm", 200, delay: TimeSpan.FromSeconds(4));   // the first VM GET answers after 4 s
        var results = new List<VmEventResult>();

        var summary = await Worker().RunAsync(new WorkerSettings { Concurrency = 2, BatchSize = 2, StopWhenEmpty = true }, r => { lock (results) results.Add(r); }, CancellationToken.None);

        Assert.Equal(6, summary.Processed);
        Assert.All(results, r => Assert.Equal(VmEventOutcome.Succeeded, r.Outcome));
        // A batch barrier would have held the second slot until the slow message ended; a pipeline finishes the rest first.
        Assert.True(results[^1].Stages["VmLookup"] >= 3500, $"the slow message ended last; the order was {string.Join(", ", results.Select(r => $"{r.VmName} {r.Stages["VmLookup"]} ms"))}");
    }

    [Fact]
    public async Task Lease_WhenSettledForRouting_ShouldTellTheWorkerOnceSoItsSlotTakesTheNextMessage()
    {
        var message = new VmEventMessage { MessageId = "m-1", PopReceipt = "p-1", Queue = QueueKind.Main, QueueName = "main", Body = "{}" };
        var told = 0;
        var lease = new RenewingLease(message, TimeSpan.FromMinutes(1), VmEventEngine.For(_options).Queues(NullHostLog.Instance), NullHostLog.Instance, null, CancellationToken.None, () => told++);

        var settled = await lease.SettleAsync(message);   // the router begins the routing
        Assert.Equal(1, told);
        await lease.DisposeAsync();                       // the message ends

        Assert.Equal(1, told);
        Assert.Equal("p-1", settled.PopReceipt);
    }

    [Fact]
    public async Task Run_StoppedWhileMessagesWaitTheirTurn_ShouldFinishTheStartedOneAndGiveTheOthersBackAtOnce()
    {
        var vms = Enumerable.Range(0, 4).Select(i => _arm.Model.AddVm(Sub, "rg-app", $"vm-wait-{i}", [$"10.0.2.{i + 10}"])).ToArray();
        foreach (var vm in vms) await Enqueue(VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow));
        _arm.Fail("vm", 200, delay: TimeSpan.FromSeconds(3));
        var results = new List<VmEventResult>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var summary = await Worker().RunAsync(new WorkerSettings { Concurrency = 1, BatchSize = 4 }, r => { lock (results) results.Add(r); }, stop.Token);

        Assert.Equal("Stopped", summary.StoppedBecause);
        Assert.Equal(VmEventOutcome.Succeeded, Assert.Single(results).Outcome);
        // The three that never started are visible again now, not after their 5-minute lease.
        var waiting = await VmEventEngine.For(_options).Queues(NullHostLog.Instance).PeekAsync(QueueKind.Main, 32, null, CancellationToken.None);
        Assert.Equal(3, waiting.Count);
        Assert.Single(_arm.Model.Jobs);
    }

    [Fact]
    public async Task Run_StoppedWhileAMessageWaitsForAJobSlot_ShouldDeferItToTheRetryQueueInsteadOfHoldingTheStop()
    {
        // One job per minute, and up to five minutes of waiting allowed: the second message waits for the quota.
        _options = _options with { AutomationJobsPerWindow = 1, AutomationJobWindow = TimeSpan.FromMinutes(1) };
        var vms = Enumerable.Range(0, 2).Select(i => _arm.Model.AddVm(Sub, "rg-app", $"vm-paced-{i}", [$"10.0.4.{i + 10}"])).ToArray();
        foreach (var vm in vms) await Enqueue(VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow));
        var results = new List<VmEventResult>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var summary = await Worker().RunAsync(new WorkerSettings { Concurrency = 2, BatchSize = 2 }, r => { lock (results) results.Add(r); }, stop.Token);

        Assert.Equal("Stopped", summary.StoppedBecause);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));   // not the minute the slot was away
        Assert.Equal(2, results.Count);
        Assert.Single(results, r => r.Outcome == VmEventOutcome.Succeeded);
        var deferred = results.Single(r => r.Outcome == VmEventOutcome.RetryScheduled);
        Assert.Equal("Throttled", deferred.Reason);
        Assert.Equal(0, deferred.Attempt);
        Assert.Single(_arm.Model.Jobs);
        Assert.Empty(await VmEventEngine.For(_options).Queues(NullHostLog.Instance).PeekAsync(QueueKind.Main, 32, null, CancellationToken.None));
    }

    [Fact]
    public async Task Run_WhenTheHostFailsToTakeAResult_ShouldStopAndReportItInsteadOfLosingIt()
    {
        var vms = Enumerable.Range(0, 3).Select(i => _arm.Model.AddVm(Sub, "rg-app", $"vm-host-{i}", [$"10.0.3.{i + 10}"])).ToArray();
        foreach (var vm in vms) await Enqueue(VmWriteEventFactory.Create(VmResourceId.Parse(vm.Id), null, null, DateTimeOffset.UtcNow));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Worker().RunAsync(
            new WorkerSettings { Concurrency = 1, BatchSize = 4, StopWhenEmpty = true }, _ => throw new InvalidOperationException("the pipeline is closed"), CancellationToken.None));

        Assert.Equal("the pipeline is closed", error.Message);
    }

    [Fact]
    public async Task Run_WhenStopped_ShouldEndCleanlyWithTheReason()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var summary = await Worker().RunAsync(new WorkerSettings(), _ => { }, stop.Token);

        Assert.Equal("Stopped", summary.StoppedBecause);
        Assert.Equal(0, summary.Processed);
    }
}
