using System.Collections;
using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Starts an Azure Automation runbook job, and with -Wait, waits for it and returns its whole result.</para>
/// <para type="description">Starts the runbook (AutomationAccountId and RunbookName settings by default) with -Parameters, on the Hybrid
/// Runbook Worker group -RunOn (HybridWorkerGroup) or in Azure. Each parameter value is sent JSON-encoded, as the Az cmdlets do,
/// so a PowerShell runbook receives strings, numbers, booleans, arrays and hashtables with their types. With -JobId the start is
/// idempotent: a job of that name that exists already is returned with AlreadyExisted, and nothing new starts.</para>
/// <para type="description">Unlike Start-AzAutomationRunbook -Wait, -Wait here returns the whole job: its id, final status, exception,
/// every output line (the job's full output, not the stream summaries) and the error stream, and writes a non-terminating
/// VmRunbookJobFailed error when the job ended Failed, Stopped or Suspended. Every page of the error stream is read (its nextLinks, up to
/// ArmMaxPages pages; a warning says where a longer one was cut). When the output or the error stream cannot be read (a role without
/// jobs/streams/read, a 404), the ended job is still returned with what was read, and a non-terminating error says what was not.
/// Waiting shows progress; past -TimeoutSeconds it stops with VmRunbookJobTimeout. Ctrl+C (or the timeout) stops waiting only: the job goes on in Azure; Get-VmRunbookJob reads it later.</para>
/// <example>
///   <code>Invoke-VmRunbook -Parameters @{ VmName = 'vm-01'; PrivateIpAddress = '10.0.0.4' } -Wait</code>
///   <para>Runs the configured onboarding runbook for vm-01 and waits for its output.</para>
/// </example>
/// <example>
///   <code>Invoke-VmRunbook -AutomationAccountId $aa -RunbookName Onboard-Vm -RunOn hybrid-linux -JobId 7d0b6c1e-3f4b-4c1e-9a3e-2b1f0c9d8e7a -WhatIf</code>
///   <para>Shows what would be started, and starts nothing.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmRunbook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VmRunbookJob))]
public sealed class InvokeVmRunbookCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">The Automation account's resource ID. Overrides the AutomationAccountId setting.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AutomationAccountId { get; set; }

    /// <summary><para type="description">The runbook to start. Overrides the RunbookName setting.</para></summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunbookNameCompleter))]
    public string? RunbookName { get; set; }

    /// <summary><para type="description">The runbook's parameters by name.</para></summary>
    [Parameter]
    public Hashtable? Parameters { get; set; }

    /// <summary><para type="description">The Hybrid Runbook Worker group to run on. Overrides the HybridWorkerGroup setting.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RunOn { get; set; }

    /// <summary><para type="description">The job name (a GUID). A job of that name that exists already is returned, not started again.</para></summary>
    [Parameter]
    public Guid? JobId { get; set; }

    /// <summary><para type="description">Wait for the job to end and return its output and errors.</para></summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary><para type="description">With -Wait, how long to wait at most. The RunbookTimeout setting (30 minutes) by default.</para></summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int? TimeoutSeconds { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var parameters = new SettingOverrides()
            .Set(o => o.AutomationAccountId, AutomationAccountId)
            .Set(o => o.RunbookName, RunbookName)
            .Set(o => o.HybridWorkerGroup, RunOn);
        var options = LoadConfiguration(parameters).Options;
        if (options.Automation.AutomationAccountId is null || options.Automation.RunbookName is null)
        {
            throw new VmEventOpsException(ErrorIds.RunbookNotConfigured, VmErrorCategory.InvalidArgument,
                "Say which runbook to start: -AutomationAccountId and -RunbookName, or the AutomationAccountId and RunbookName settings (VMEVENTOPS_AUTOMATIONACCOUNTID, VMEVENTOPS_RUNBOOKNAME).");
        }

        var request = new RunbookJobRequest
        {
            AutomationAccountId = options.Automation.AutomationAccountId,
            RunbookName = options.Automation.RunbookName,
            Parameters = (Parameters ?? []).Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => PlainObjectConverter.ToPlain(e.Value)),
            RunOn = options.Automation.HybridWorkerGroup,
            JobId = JobId,
        };
        if (!ShouldProcess($"{options.Automation.RunbookName} in {options.Automation.AutomationAccountId}", $"Start a runbook job{(JobId is null ? string.Empty : $" named {JobId}")}")) return;
        var gateway = VmEventEngine.For(options).Arm(Log);
        var job = Run(token => gateway.StartRunbookAsync(request, token));
        if (Wait)
        {
            var timeout = TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Automation.RunbookTimeout;
            job = Run(token => gateway.WaitRunbookJobAsync(options.Automation.AutomationAccountId, job.JobId, options.Automation.RunbookPollInterval, timeout, token)) with { AlreadyExisted = job.AlreadyExisted };
        }

        WriteObject(job);
        foreach (var unread in job.ReadFailures) WriteFailure(unread);
        if (job.IsFailure) WriteFailure(RunbookJobFailure.For(job));
    }
}
