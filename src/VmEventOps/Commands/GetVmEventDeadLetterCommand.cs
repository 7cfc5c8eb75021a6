using System.Management.Automation;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Reconcile;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Reads the events Event Grid dead-lettered: one object per event, with why it was not delivered.</para>
/// <para type="description">Event Grid retries a delivery for up to 24 hours (30 attempts by default), then writes the event to the
/// dead-letter blob container that deploy/infra configures (DeadLetterContainerName): a JSON array of events, each with
/// deadLetterReason, deliveryAttempts, lastDeliveryOutcome, lastHttpStatusCode, publishTime and lastDeliveryAttemptTime beside its own
/// properties. This cmdlet reads those blobs (not the ones replayed already, unless -IncludeReplayed) and writes one VmEventDeadLetter
/// per event: the reason, the VM, the blob and the event as it was to be delivered (Body). A blob that is not a JSON array of events is a
/// non-terminating VmDeadLetterUnreadable error naming the blob; it is never deleted.</para>
/// <para type="description">Piped to Send-VmEventMessage, each event is replayed to the main queue and marked replayed in its blob (under
/// the blob's lease), so neither Sync-VmOnboarding nor another replay sends it again.</para>
/// <example>
///   <code>Get-VmEventDeadLetter | Format-Table VmName, DeadLetterReason, DeliveryAttempts, LastDeliveryOutcome</code>
///   <para>Why Event Grid could not deliver each VM's event.</para>
/// </example>
/// <example>
///   <code>Get-VmEventDeadLetter | Where-Object DeadLetterReason -eq 'MaxDeliveryAttemptsExceeded' | Send-VmEventMessage</code>
///   <para>Replays the events Event Grid gave up on after its retries.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmEventDeadLetter")]
[OutputType(typeof(VmEventDeadLetter))]
public sealed class GetVmEventDeadLetterCommand : QueueCmdlet
{
    /// <summary><para type="description">Also the events replayed already (Replayed is then True).</para></summary>
    [Parameter]
    public SwitchParameter IncludeReplayed { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var store = VmEventEngine.For(LoadQueueConfiguration().Options).DeadLetters(Log);
        var unreadable = new List<(string Blob, string Problem)>();
        Run(async token =>
        {
            await foreach (var item in store.ReadAsync(IncludeReplayed, (blob, problem) => { lock (unreadable) unreadable.Add((blob, problem)); }, token).ConfigureAwait(false)) Log.Output(item);
            return true;
        });
        foreach (var (blob, problem) in unreadable)
        {
            WriteFailure(new VmEventOpsException(ErrorIds.DeadLetterUnreadable, VmErrorCategory.InvalidData,
                $"Dead-letter blob {blob} in {store.ContainerName} cannot be read as events: {problem}. It is kept.", blob));
        }
    }
}
