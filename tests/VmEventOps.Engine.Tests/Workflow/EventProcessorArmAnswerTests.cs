using System.Diagnostics;
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

/// <summary>
/// The workflow on ARM's answers as Azure gives them: a VM still being created, long Retry-After values, VMs failed or being
/// deleted. Azurite queues and table, the HTTPS ARM emulator, managed-identity tokens; no database check.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EventProcessorArmAnswerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";
    private ArmEmulator _arm = null!;
    private VmEventOptions _options = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        _options = WorkflowTestOptions.For(azurite, _arm) with { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(1) };
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    private EventProcessor Processor(VmEventOptions? options = null) => VmEventEngine.For(options ?? _options).Processor(NullHostLog.Instance);

    private QueueManager Queues() => VmEventEngine.For(_options).Queues(NullHostLog.Instance);

    private async Task<VmEventMessage> Enqueue(ArmVm vm)
    {
        var queues = Queues();
        await queues.SendToMainAsync(QueueTestMessages.EventFor(vm.Id));
        return await queues.ReceiveOneAsync();
    }

    private async Task<VmEventMessage> ReceiveRetryWhenDue()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var due = await Queues().ReceiveAsync(QueueKind.Retry, 1, TimeSpan.FromMinutes(1), null, CancellationToken.None);
            if (due.Count == 1) return due[0];
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the retry never came due");
            await Task.Delay(200);
        }
    }

    private static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Process_AVmBeingCreatedWhoseNicAppearsLater_ShouldRetryAsVmCreatingThenOnboardIt()
    {
        var vm = _arm.Model.AddVmBeingCreated(Sub, "rg-app", "vm-young", nicAfterReads: 1, nicAddresses: ["10.0.3.4"]);

        var first = await Processor().ProcessAsync(await Enqueue(vm), false, Soon());
        var second = await Processor().ProcessAsync(await ReceiveRetryWhenDue(), false, Soon());

        Assert.Equal(VmEventOutcome.RetryScheduled, first.Outcome);
        Assert.Contains(ErrorIds.VmCreating, first.Reason);
        Assert.Equal(1, first.Attempt);
        Assert.Equal(VmEventOutcome.Succeeded, second.Outcome);
        Assert.Equal(2, second.Attempt);
        Assert.Equal("10.0.3.4", second.PrivateIpAddress);
        Assert.Single(_arm.Model.Jobs);
        Assert.Empty(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
    }

    [Fact]
    public async Task Process_WhenComputeAnswers429WithRetryAfter1200_ShouldDeferForItWithoutUsingAnAttempt()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-hot", ["10.0.3.5"]);
        _arm.Fail("vm", 429, retryAfter: TimeSpan.FromSeconds(1200), unwrapped: true);
        var watch = Stopwatch.StartNew();

        var result = await Processor(_options with { MaxAttempts = 1 }).ProcessAsync(await Enqueue(vm), false, Soon());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        Assert.Equal("Throttled", result.Reason);
        Assert.Equal(0, result.Attempt);
        Assert.InRange(result.NextAttemptOn!.Value - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1190), TimeSpan.FromSeconds(1441));
        Assert.Equal(1, await Queues().CountAsync(QueueKind.Retry, CancellationToken.None));   // waiting, invisible, for the Retry-After
        Assert.Empty(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
        Assert.Equal(1, _arm.Calls("vm"));
    }

    [Fact]
    public async Task Process_WhenARetryAfterIsLongerThanTheMessageLease_ShouldDeferInsteadOfHoldingTheClaim()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-leased", ["10.0.3.6"]);
        _arm.Fail("nic", 429, retryAfter: TimeSpan.FromSeconds(20));
        var watch = Stopwatch.StartNew();

        var result = await Processor(_options with { MessageLease = TimeSpan.FromSeconds(10) }).ProcessAsync(await Enqueue(vm), false, Soon());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(VmEventOutcome.RetryScheduled, result.Outcome);
        Assert.Equal("Throttled", result.Reason);
        Assert.Equal(0, result.Attempt);
        Assert.Empty(_arm.Model.Jobs);
    }

    [Fact]
    public async Task Process_WhenTheMessageLeaseRanOutOnTheWayButNothingNeedsAWait_ShouldStillStartTheJob()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-slow", ["10.0.3.9"]);
        _arm.Fail("vm", 200, delay: TimeSpan.FromSeconds(2));   // the lookup takes longer than the lease

        var result = await Processor(_options with { MessageLease = TimeSpan.FromSeconds(1) }).ProcessAsync(await Enqueue(vm), false, Soon());

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.Equal(1, _arm.Calls("job-put"));
    }

    [Fact]
    public async Task Process_AVmBeingDeleted_ShouldBeIgnoredAsVmDeleting()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-going", ["10.0.3.7"]);
        vm.ProvisioningState = "Deleting";

        var result = await Processor().ProcessAsync(await Enqueue(vm), false, Soon());

        Assert.Equal(VmEventOutcome.Ignored, result.Outcome);
        Assert.Equal(ErrorIds.VmDeleting, result.Reason);
        Assert.Empty(_arm.Model.Jobs);
        Assert.Equal(0, await Queues().CountAsync(QueueKind.Main, CancellationToken.None));
        Assert.Empty(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
    }

    [Fact]
    public async Task Process_AVmWhoseProvisioningFailed_ShouldDeadLetterAtOnceWithTheReason()
    {
        var vm = _arm.Model.AddVm(Sub, "rg-app", "vm-broken", ["10.0.3.8"]);
        vm.ProvisioningState = "Failed";

        var result = await Processor().ProcessAsync(await Enqueue(vm), false, Soon());

        Assert.Equal(VmEventOutcome.DeadLettered, result.Outcome);
        Assert.Contains(ErrorIds.VmProvisioningFailed, result.Reason);
        Assert.Equal(1, result.Attempt);
        Assert.Empty(_arm.Model.Jobs);
        Assert.Single(await Queues().PeekAsync(QueueKind.Poison, 32, null, CancellationToken.None));
    }
}
