using System.Management.Automation;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Reconcile;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Sweeps the allowed scopes: queues every VM that is not onboarded, replays Event Grid's dead letters, reports records without a VM.</para>
/// <para type="description">Event-driven onboarding sees only VMs whose events arrive. This sweep finds the others: VMs created before the
/// system was deployed, while it was down, or whose events Event Grid gave up on. It first replays the events in Event Grid's
/// dead-letter container (DeadLetterContainerName), each blob under its lease and marked in its metadata, so none is replayed twice,
/// even by two sweeps at once; a blob that is not a JSON array of events is reported (Unreadable) and kept. Then it lists the VMs of
/// every allowed scope (ReconcileSource Arm: VirtualMachines_ListAll per subscription or VirtualMachines_List per resource group,
/// every nextLink followed; ResourceGraph: one Azure Resource Graph query for all of them), compares each with its onboarding record
/// and queues a well-formed ResourceWriteSuccess event, as Send-VmEventMessage does, for each VM never seen (Missing), recreated
/// under the same name, or whose record has not moved for ReconcileStaleAfter (its message taken for lost). VMs the workflow
/// dead-lettered are queued again only with -IncludeDeadLettered. Records of VMs a complete listing no longer shows are reported Gone.</para>
/// <para type="description">The sweep streams: one list page at a time, with memory that stays flat however large the scope. ARM's
/// throttling is honoured as everywhere in the module: a Retry-After up to ArmMaxRetryWait is waited, a longer one is not slept; the
/// scope is then reported incomplete with the wait (RetryAfter in the summary), and nothing of it is reported gone. The workflow onboards
/// a VM once however many events it gets, so a VM whose own event arrives as well is still onboarded once.</para>
/// <para type="description">Writes a VmReconcileItem for each VM queued (or, with -WhatIf, that would be), each dead letter replayed and
/// each record without a VM, then one VmReconcileSummary. Progress is shown while the lists are read.</para>
/// <example>
///   <code>Sync-VmOnboarding -WhatIf</code>
///   <para>Lists the VMs in scope that would be queued and the dead letters that would be replayed; sends nothing.</para>
/// </example>
/// <example>
///   <code>Sync-VmOnboarding -Source ResourceGraph | Where-Object Action -eq Gone</code>
///   <para>Sweeps with one Resource Graph query and shows the records whose VM was deleted.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsData.Sync, "VmOnboarding", SupportsShouldProcess = true)]
[OutputType(typeof(VmReconcileItem), typeof(VmReconcileSummary))]
public sealed class SyncVmOnboardingCommand : QueueCmdlet
{
    /// <summary><para type="description">Where to list the VMs: Arm (a list per scope) or ResourceGraph (one query). Overrides the ReconcileSource setting.</para></summary>
    [Parameter]
    public VmInventorySource? Source { get; set; }

    /// <summary><para type="description">Also queue the VMs the workflow dead-lettered (it gave up on them; their messages are in poison).</para></summary>
    [Parameter]
    public SwitchParameter IncludeDeadLettered { get; set; }

    /// <summary><para type="description">Do not replay Event Grid's dead-letter container in this sweep.</para></summary>
    [Parameter]
    public SwitchParameter SkipDeadLetters { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var options = LoadConfiguration(ReconcileParameters.For(ConnectionString, Source)).Options;
        var scopes = options.Onboarding.AllowedScopes.Count == 0 ? "(no allowed scope)" : string.Join(", ", options.Onboarding.AllowedScopes);
        var whatIf = !ShouldProcess(scopes, "Queue an onboarding event for every VM in scope that is not onboarded, and replay Event Grid's dead letters");
        if (whatIf && !WhatIfRequested()) return; // -Confirm answered No
        var request = new ReconcileRequest
        {
            WhatIf = whatIf,
            RequeueDeadLettered = IncludeDeadLettered,
            ReplayDeadLetters = !SkipDeadLetters,
            RequestedBy = System.Environment.UserName,
        };
        var reconciler = VmEventEngine.For(options).Reconciler(Log);
        WriteObject(Run(token => reconciler.SyncAsync(request, Log.Output, token)));
    }

    private bool WhatIfRequested() =>
        (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && value is SwitchParameter { IsPresent: true })
        || GetVariableValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };
}
