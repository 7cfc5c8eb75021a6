using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Shows everything the system knows about one VM's onboarding, in time order: the answer to "what happened to VM X?".</para>
/// <para type="description">Reads, and changes nothing: the VM's onboarding record (when its event was first seen, how each attempt
/// ended and why, and when a scheduled retry comes due), the messages about the VM at the front of the main, retry, succeeded
/// and poison queues (peeked, with their envelope history), and the status of the VM's runbook job (when AutomationAccountId is
/// set). A scheduled retry's message is invisible until it is due, so the record, not the queue, shows it; Azure Queue Storage
/// peeks at 32 messages at most, and a warning says when a queue holds more.</para>
/// <para type="description">Each entry carries the event's TraceId: the same id as its spans in Application Insights, an OTLP
/// backend or the TraceFile. Error texts are shown with secrets removed.</para>
/// <example>
///   <code>Get-VmEventTrail -VmResourceId /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01</code>
///   <para>What happened to vm-01: each attempt, where its event is now, and its runbook job.</para>
/// </example>
/// <example>
///   <code>Get-VmOnboardingState -State DeadLettered | Get-VmEventTrail | Where-Object Source -eq PoisonQueue | Select-Object -ExpandProperty History</code>
///   <para>For every VM the workflow gave up on, the stages that failed on the way to the poison queue.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmEventTrail")]
[OutputType(typeof(VmEventTrailEntry))]
public sealed class GetVmEventTrailCommand : QueueCmdlet
{
    /// <summary><para type="description">The VM: its resource ID, or any object with a VmResourceId property (a workflow result, an onboarding record).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VmResourceIdCompleter))]
    public string? VmResourceId { get; set; }

    private VmEventTrailReader? _reader;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        if (!TryParseVmResourceId(VmResourceId, out var vm)) return;
        if (_reader is null)
        {
            var configuration = LoadQueueConfiguration();
            _reader = Run(() => VmEventEngine.For(configuration.Options).Trail(configuration.Redactor, Log));
        }

        WriteObject(Run(token => _reader.GetAsync(vm!, token)), enumerateCollection: true);
    }
}
