using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Shows the onboarding state of VMs: one record per VM, as the workflow keeps it.</para>
/// <para type="description">Reads the state table (StateTableName): for each VM its vmId, state (InProgress, RunbookStarted, Succeeded,
/// Failed, DeadLettered; Offboarding, Offboarded, OffboardingFailed once it was deleted), the rule that matched it, its last known facts, attempts, runbook job id, last error and times. With -VmResourceId, that VM's record; with -State, the
/// records in that state.</para>
/// <example>
///   <code>Get-VmOnboardingState -State DeadLettered</code>
///   <para>Lists the VMs the workflow gave up on, with their last error.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmOnboardingState")]
[OutputType(typeof(OnboardingState))]
public sealed class GetVmOnboardingStateCommand : QueueCmdlet
{
    /// <summary><para type="description">The VM whose record to show.</para></summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VmResourceIdCompleter))]
    public string? VmResourceId { get; set; }

    /// <summary><para type="description">Only records in this state.</para></summary>
    [Parameter]
    public OnboardingStatus? State { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var store = VmEventEngine.For(LoadQueueConfiguration().Options).State();
        if (VmResourceId is null)
        {
            var state = State;
            WriteObject(Run(token => store.ListAsync(state, token)), enumerateCollection: true);
            return;
        }

        if (!TryParseVmResourceId(VmResourceId, out var vm)) return;

        var record = Run(token => store.GetAsync(vm!, token));
        if (record is not null && (State is null || record.State == State)) WriteObject(record);
    }
}
