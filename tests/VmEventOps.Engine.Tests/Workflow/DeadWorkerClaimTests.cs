using System.Text.Json.Nodes;
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
/// A worker killed after its claim: the claim is younger than a lease when its message comes back (it was written after
/// the lease's last renewal). Found by the killed-workers load test: that message was taken for a duplicate and completed,
/// and its VM never onboarded. Against Azurite and the ARM emulator.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeadWorkerClaimTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Sub = WorkflowTestOptions.Subscription;
    private ArmEmulator _arm = null!;
    private VmEventOptions _options = null!;

    public async Task InitializeAsync()
    {
        _arm = await ArmEmulator.StartAsync(TestTrust.Certificate);
        _options = WorkflowTestOptions.For(azurite, _arm);
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    // The message of a new VM, received, with the claim a worker holding it wrote before it died (or another message's).
    private async Task<VmEventMessage> ReceivedAndClaimed(string name, Func<VmEventMessage, string> claimant)
    {
        var queues = VmEventEngine.For(_options).Queues(NullHostLog.Instance);
        var body = QueueTestMessages.EventFor(_arm.Model.AddVm(Sub, "rg-app", name, ["10.0.4.7"]).Id);
        await queues.SendAsync(QueueKind.Main, body, null, CancellationToken.None);
        var message = await queues.ReceiveOneAsync(QueueKind.Main);
        var vm = VmResourceId.Parse(JsonNode.Parse(body)!["subject"]!.GetValue<string>());
        var claim = new OnboardingState { VmResourceId = vm.Value, State = OnboardingStatus.InProgress, Attempts = 1, ClaimedBy = claimant(message) };
        Assert.NotNull(await VmEventEngine.For(_options).State().TryWriteAsync(vm, claim, null, CancellationToken.None));
        return message;
    }

    private Task<VmEventResult> Process(VmEventMessage message) =>
        VmEventEngine.For(_options).Processor(NullHostLog.Instance).ProcessAsync(message, false, CancellationToken.None);

    [Fact]
    public async Task Process_TheMessageWhoseWorkerDiedAfterItsClaim_ShouldTakeTheYoungClaimOverAndOnboardTheVm()
    {
        var message = await ReceivedAndClaimed("vm-dead-claim", m => $"{m.QueueName}/{m.MessageId}");

        var result = await Process(message);

        Assert.Equal(VmEventOutcome.Succeeded, result.Outcome);
        Assert.Single(_arm.Model.Jobs);
        var state = await VmEventEngine.For(_options).State().GetAsync(VmResourceId.Parse(result.VmResourceId!), CancellationToken.None);
        Assert.Equal((OnboardingStatus.Succeeded, (string?)null), (state!.State, state.ClaimedBy));
    }

    [Fact]
    public async Task Process_ADuplicateWhileAnotherMessageHoldsAYoungClaim_ShouldLeaveTheVmToThatMessage()
    {
        var message = await ReceivedAndClaimed("vm-live-claim", m => $"{m.QueueName}/another-{m.MessageId}");

        var result = await Process(message);

        Assert.Equal(VmEventOutcome.AlreadyOnboarded, result.Outcome);
        Assert.StartsWith(ReasonCodes.InProgressElsewhere, result.Reason, StringComparison.Ordinal);
        Assert.Empty(_arm.Model.Jobs);
    }
}
