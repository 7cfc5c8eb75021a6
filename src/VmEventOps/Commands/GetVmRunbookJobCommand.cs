using System.Management.Automation;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Reads the status, output and errors of a runbook job started earlier.</para>
/// <para type="description">Reads the job from the Automation account (the AutomationAccountId setting by default). A job that has ended
/// comes with its whole output and its error stream (every page of it, up to ArmMaxPages); a job that ended Failed, Stopped or Suspended
/// also writes a non-terminating VmRunbookJobFailed error. A part that cannot be read (the output, the error stream) is a non-terminating
/// error of its own, after the job with what was read.</para>
/// <example>
///   <code>Get-VmRunbookJob -JobId 7d0b6c1e-3f4b-4c1e-9a3e-2b1f0c9d8e7a | Select-Object -ExpandProperty Output</code>
///   <para>Shows what the job wrote.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmRunbookJob")]
[OutputType(typeof(VmRunbookJob))]
public sealed class GetVmRunbookJobCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">The job name (a GUID), as Invoke-VmRunbook returned it.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public Guid JobId { get; set; }

    /// <summary><para type="description">The Automation account's resource ID. Overrides the AutomationAccountId setting.</para></summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? AutomationAccountId { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var options = LoadConfiguration(new SettingOverrides().Set(o => o.AutomationAccountId, AutomationAccountId)).Options;
        var account = options.Automation.AutomationAccountId ?? throw new VmEventOpsException(ErrorIds.RunbookNotConfigured, VmErrorCategory.InvalidArgument,
            "Say which Automation account: -AutomationAccountId or the AutomationAccountId setting (VMEVENTOPS_AUTOMATIONACCOUNTID).");
        var gateway = VmEventEngine.For(options).Arm(Log);
        var job = Run(token => gateway.GetRunbookJobAsync(account, JobId, includeStreams: true, token));
        WriteObject(job);
        foreach (var unread in job.ReadFailures) WriteFailure(unread);
        if (job.IsFailure) WriteFailure(RunbookJobFailure.For(job));
    }
}
