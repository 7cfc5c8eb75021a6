using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Workflow;
using VmEventOps.Hosting;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Onboards the VM of one queue message: the body of a Functions queue trigger, or a direct re-run of one VM.</para>
/// <para type="description">Runs the workflow on one event: parse and filter (not a VM creation in an allowed scope: Ignored with the
/// reason; not an event: DeadLettered to poison), the VM's onboarding state (onboarded already with the same vmId: AlreadyOnboarded,
/// unless -Force), VM and NIC lookup (a deleted VM: Ignored, VmNotFound; one being deleted: Ignored, VmDeleting; one still being created
/// whose NIC is not there yet: RetryScheduled, VmCreating), the database check (DbServer may be {PrivateIpAddress}),
/// then the runbook job (AutomationAccountId, RunbookName) with VmName, VmResourceId and PrivateIpAddress as parameters and a job
/// name derived from the vmId, so a repeated start finds the job. The message then goes to the succeeded queue with the result, to
/// the retry queue due after backoff (a transient failure with attempts left), or to poison with its history. An ARM Retry-After longer
/// than ArmMaxRetryWait or the time the invocation has left (InvocationTimeout) is not slept: the message is deferred for it, no
/// attempt used up.</para>
/// <para type="description">In a Functions queue trigger the host already took the message off the queue and completes it when the
/// function returns, so the workflow only writes to the destination queue. Outputs a VmEventResult.</para>
/// <example>
///   <code>param($QueueItem, $TriggerMetadata, $TraceContext) Invoke-VmEventWorkflow -QueueItem $QueueItem -TriggerMetadata $TriggerMetadata -TraceParent $TraceContext.Traceparent</code>
///   <para>run.ps1 of the Functions queue trigger on the main queue.</para>
/// </example>
/// <example>
///   <code>Invoke-VmEventWorkflow -VmResourceId /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01 -Force</code>
///   <para>Onboards vm-01 again, as the original design's HTTP API did.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmEventWorkflow", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VmEventResult))]
public sealed class InvokeVmEventWorkflowCommand : ConfiguredCmdlet
{
    private const string QueueItemSet = "QueueItem";
    private const string VmSet = "VmResourceId";

    /// <summary><para type="description">The queue item: the message text (raw or base64 JSON), or the hashtable the Functions worker decoded.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = QueueItemSet)]
    public object? QueueItem { get; set; }

    /// <summary><para type="description">A VM to onboard directly, without a queue message.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = VmSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VmResourceIdCompleter))]
    public string? VmResourceId { get; set; }

    /// <summary><para type="description">Onboard even when the VM's state says it was onboarded already (the job of that name is still found, not started twice).</para></summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary><para type="description">The queue trigger's $TriggerMetadata: the message's Id, DequeueCount and InsertionTime are kept
    /// with the result and the message's history (without it, DequeueCount is 0 and the message id "(host)").</para></summary>
    [Parameter(Position = 1, ParameterSetName = QueueItemSet)]
    public object? TriggerMetadata { get; set; }

    /// <summary><para type="description">The W3C traceparent of the invocation that delivered the message: in a Functions app,
    /// $TraceContext.Traceparent (declare $TraceContext in run.ps1's param block). The event's trace then starts under the host's
    /// invocation, so Application Insights shows both in one operation; a later attempt of the event links to it. Ignored when
    /// empty or not a traceparent.</para></summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? TraceParent { get; set; }

    private EventProcessor? _processor;
    private string? _mainQueue;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        if (_processor is null)
        {
            var options = LoadConfiguration().Options;
            _processor = VmEventEngine.For(options).Processor(Log, scripts: new RunspaceScriptCheckHost(Log));
            _mainQueue = options.Storage.QueueName;
        }

        string body;
        string target;
        string? problem = null;
        if (VmResourceId is not null)
        {
            if (!TryParseVmResourceId(VmResourceId, out var vm)) return;

            body = VmWriteEventFactory.Create(vm!, "Invoke-VmEventWorkflow -VmResourceId", System.Environment.UserName, DateTimeOffset.UtcNow);
            target = vm!.Value;
        }
        else
        {
            var item = QueueItem is PSObject wrapped ? wrapped.BaseObject : QueueItem;
            var graph = item is string ? default : PlainObjectConverter.Convert(QueueItem);
            var written = item is string ? default : EventObjectParser.Write(graph.Value!);
            body = item as string ?? written.Json ?? string.Empty;
            problem = graph.TooDeep ? EventObjectParser.TooDeep : written.Problem;
            target = "the queue item";
        }

        if (!ShouldProcess(target, "Onboard")) return;
        var trigger = QueueTriggerMetadata.Read(TriggerMetadata);
        var message = EventProcessor.Detached(body, QueueKind.Main, _mainQueue!) with
        {
            MessageId = trigger.MessageId ?? VmEventMessage.HostMessageId,
            DequeueCount = trigger.DequeueCount,
            InsertedOn = trigger.InsertedOn,
            HostTraceParent = string.IsNullOrWhiteSpace(TraceParent) ? null : TraceParent.Trim(),
        };
        // A graph nested too deep (or cyclic) was cut, or holds what JSON cannot carry: not an event, whatever its text reads as.
        if (problem is not null) message = message with { Events = [], Event = null, ParseFailures = [problem] };
        WriteObject(Run(token => _processor.ProcessAsync(message, Force, token)));
    }
}
