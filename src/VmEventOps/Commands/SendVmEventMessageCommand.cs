using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Queues a VM for onboarding again: a new ResourceWriteSuccess event, or a message moved back from poison.</para>
/// <para type="description">With -VmResourceId (also bound by property name from a VmEvent), builds a well-formed Event Grid
/// ResourceWriteSuccess event for that VM, as Azure raises on creation, and sends it to the queue (Main by default), encoded
/// as the MessageEncoding setting says. -Reason is recorded in the event's data.vmEventOps. A deliberate re-run of a VM that
/// was onboarded already also needs the workflow's -Force.</para>
/// <para type="description">With a VmEventMessage from the pipeline (Get-VmEventMessage), sends its original event back: a
/// message received with -Lease is moved (sent first, then deleted from its queue, so it can never be lost); a peeked message
/// has no lease, so it is copied and stays where it is, with a warning.</para>
/// <example>
///   <code>Send-VmEventMessage -VmResourceId /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01 -Reason 'Database was down'</code>
///   <para>Queues vm-01 for onboarding again.</para>
/// </example>
/// <para type="description">With a VmEventDeadLetter from the pipeline (Get-VmEventDeadLetter), replays the event Event Grid could
/// not deliver and marks it replayed in its blob.</para>
/// <para type="description">With -Body, sends a message body as it is: a saved original replayed.</para>
/// <example>
///   <code>Get-VmEventMessage -Queue Poison -Lease 00:05:00 | Where-Object LastError -match 'timeout' | Send-VmEventMessage -WhatIf</code>
///   <para>Shows which poison messages that failed on a timeout would be moved back to the main queue.</para>
/// </example>
/// </summary>
// No default parameter set on purpose: with one, PowerShell tries only that set's ByPropertyName
// binding for pipeline input and never reaches -Message, so a piped VmEventMessage would not bind.
[Cmdlet(VerbsCommunications.Send, "VmEventMessage", SupportsShouldProcess = true)]
[OutputType(typeof(SentMessage))]
public sealed class SendVmEventMessageCommand : QueueCmdlet
{
    private const string ByIdSet = "ByVmResourceId";
    private const string ByMessageSet = "ByMessage";
    private const string ByBodySet = "ByBody";
    private const string ByDeadLetterSet = "ByDeadLetter";

    /// <summary>
    /// <para type="description">The VM to onboard: /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VmResourceIdCompleter))]
    public string? VmResourceId { get; set; }

    /// <summary>
    /// <para type="description">A message from Get-VmEventMessage whose original event is sent again.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByMessageSet, ValueFromPipeline = true)]
    public VmEventMessage? Message { get; set; }

    /// <summary>
    /// <para type="description">An event Event Grid dead-lettered (Get-VmEventDeadLetter): sent to the queue as Event Grid would have
    /// delivered it, and marked replayed in its blob under the blob's lease, so it is never replayed twice.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByDeadLetterSet, ValueFromPipeline = true)]
    public Engine.Reconcile.VmEventDeadLetter? DeadLetter { get; set; }

    /// <summary>
    /// <para type="description">A message body to send as it is (a saved original, replayed).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByBodySet)]
    [ValidateNotNullOrEmpty]
    public string? Body { get; set; }

    /// <summary>
    /// <para type="description">The queue to send to: Main (default) or Retry.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("Main", "Retry")]
    [PSDefaultValue(Value = "Main")]
    public QueueKind Queue { get; set; } = QueueKind.Main;

    /// <summary>
    /// <para type="description">Why the VM is queued again; recorded in the new event.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByIdSet)]
    [ValidateLength(1, 1024)]
    public string? Reason { get; set; }

    private Engine.Configuration.VmEventOptions? _options;
    private QueueManager? _manager;
    private Engine.Reconcile.DeadLetterStore? _deadLetters;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        _options ??= LoadQueueConfiguration().Options;
        _manager ??= VmEventEngine.For(_options).Queues(Log);
        var destination = Queue;
        if (Message is { } message)
        {
            Requeue(_manager, message, destination);
            return;
        }

        if (DeadLetter is { } deadLetter)
        {
            Replay(deadLetter, destination);
            return;
        }

        if (Body is not null)
        {
            if (!ShouldProcess($"queue {_manager.NameOf(destination)}", "Send the message body as it is")) return;
            var sent = Run(token => _manager.SendAsync(destination, Body, delay: null, token));
            WriteObject(Sent(sent, destination));
            return;
        }

        if (!TryParseVmResourceId(VmResourceId, out var vm)) return;

        if (!ShouldProcess(vm!.Value, $"Send a new ResourceWriteSuccess event to queue {_manager.NameOf(destination)}")) return;
        var body = _manager.EncodeForMainQueue(VmWriteEventFactory.Create(vm, Reason, System.Environment.UserName, DateTimeOffset.UtcNow));
        var id = Run(token => _manager.SendAsync(destination, body, delay: null, token));
        WriteObject(Sent(id, destination, vm.Value));
    }

    private void Replay(Engine.Reconcile.VmEventDeadLetter deadLetter, QueueKind destination)
    {
        var target = $"dead-lettered event {deadLetter.EventId} ({deadLetter.BlobName}, #{deadLetter.Index})";
        if (!ShouldProcess(target, $"Replay it to queue {_manager!.NameOf(destination)} and mark it replayed")) return;
        _deadLetters ??= VmEventEngine.For(_options!).DeadLetters(Log);
        var manager = _manager;
        var replay = Run(token => _deadLetters.ReplayAsync(deadLetter, manager, destination, token));
        if (replay.Failure is { } failure) WriteFailure(failure);
        if (replay.NotSent(deadLetter) is { } why) WriteWarning(why);
        foreach (var (item, id) in replay.Sent) WriteObject(Sent(id, destination, item.VmResourceId));
    }

    private void Requeue(QueueManager manager, VmEventMessage message, QueueKind destination)
    {
        var target = $"message {message.MessageId} in {message.QueueName}";
        var leased = message.PopReceipt is not null;
        if (!ShouldProcess(target, $"{(leased ? "Move" : "Copy")} its original event to queue {manager.NameOf(destination)}")) return;
        var id = Run(token => manager.RequeueAsync(message, destination, token));
        if (!leased) WriteWarning($"Message {message.MessageId} was peeked, so it was copied and is still in {message.QueueName}. Receive it with Get-VmEventMessage -Lease to move it.");
        WriteObject(Sent(id, destination, message.Event?.VmResourceId, movedFrom: leased ? message.MessageId : null));
    }

    private SentMessage Sent(string id, QueueKind queue, string? vmResourceId = null, string? movedFrom = null) =>
        new() { MessageId = id, Queue = queue, QueueName = _manager!.NameOf(queue), VmResourceId = vmResourceId, MovedFrom = movedFrom };
}
