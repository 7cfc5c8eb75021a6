using System.Management.Automation;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Reconcile;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Shows every VM in scope and why it is, or is not, onboarded.</para>
/// <para type="description">Lists the VMs of the allowed scopes as Sync-VmOnboarding does (ReconcileSource: ARM lists or one Resource Graph
/// query, streamed page by page) and writes one row per VM with its status: Onboarded, InProgress (claimed, or its runbook job started),
/// RetryScheduled (an attempt failed, the next is due), DeadLettered (the workflow gave up), Missing (never seen, or a record of an earlier
/// VM of the same name), Skipped (the onboarding rules leave it alone: its rule says Skip, the SkipTag setting's tag included, or rules
/// are configured and none matches it; the sweep queues nothing for it), with the reason, how long it has been so (Age), and the trace id
/// of its attempts. Nothing is changed.</para>
/// <para type="description">With -Summary, one row per scope and status with the count. A scope whose list could not be read to its end
/// (ARM throttling with a long Retry-After, a missing role) gives a warning naming it.</para>
/// <example>
///   <code>Get-VmOnboardingCompliance -Summary</code>
///   <para>How many VMs of each scope are onboarded, in progress, waiting for a retry, dead-lettered or missing.</para>
/// </example>
/// <example>
///   <code>Get-VmOnboardingCompliance -Status Missing, DeadLettered | Format-List</code>
///   <para>The VMs that are not onboarded and will not be without help, with every detail.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmOnboardingCompliance")]
[OutputType(typeof(VmComplianceRecord), typeof(VmComplianceSummary))]
public sealed class GetVmOnboardingComplianceCommand : QueueCmdlet
{
    /// <summary><para type="description">Only VMs in these statuses.</para></summary>
    [Parameter(Position = 0)]
    public ComplianceStatus[]? Status { get; set; }

    /// <summary><para type="description">Counts by scope and status instead of one row per VM.</para></summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary><para type="description">Where to list the VMs: Arm (a list per scope) or ResourceGraph (one query). Overrides the ReconcileSource setting.</para></summary>
    [Parameter]
    public VmInventorySource? Source { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var compliance = VmEventEngine.For(LoadConfiguration(ReconcileParameters.For(ConnectionString, Source)).Options).Compliance(Log);
        var wanted = Status is { Length: > 0 } ? Status.ToHashSet() : null;
        if (Summary)
        {
            var (rows, _) = Run(token => compliance.SummarizeAsync(token));
            WriteObject(rows.Where(r => wanted is null || wanted.Contains(r.Status)), enumerateCollection: true);
            return;
        }

        Run(token => compliance.ReadAsync(record =>
        {
            if (wanted is null || wanted.Contains(record.Status)) Log.Output(record);
        }, token));
    }
}
