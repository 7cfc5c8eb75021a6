using System.Management.Automation;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Workflow;
using VmEventOps.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Runs the retry pass: processes the retry queue's due messages until it is empty, or a count or time budget is reached.</para>
/// <para type="description">The timer-triggered retry of the original design. Messages in the retry queue stay invisible until their
/// backoff has passed; this processes those that are due, each with the workflow of Invoke-VmEventWorkflow: onboarded, scheduled again
/// with a longer delay, or sent to poison after the last attempt. Writes each VmEventResult, progress while it runs, and a summary;
/// Get-VmEventQueueStatus afterwards tells the backlog. -WhatIf says which queue it would process, without receiving a message.</para>
/// <example>
///   <code>Start-VmEventRetry -TimeBudget 00:04:00</code>
///   <para>run.ps1 of a timer-triggered Function every five minutes: retries for at most four.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VmEventRetry", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VmEventResult), typeof(WorkerSummary))]
public sealed class StartVmEventRetryCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">Process at most this many messages.</para></summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxMessages { get; set; }

    /// <summary><para type="description">Stop taking new messages after this long.</para></summary>
    [Parameter]
    public TimeSpan? TimeBudget { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var configuration = LoadConfiguration();
        var options = configuration.Options;
        if (!ShouldProcess($"queue {options.Storage.RetryQueueName}", "Retry the due messages")) return;
        // The database password may be a Key Vault reference: read again as its cache period passes, so a rotated one is picked up.
        var dbPassword = VmEventEngine.Secrets.SecretSource(configuration, nameof(VmEventOptions.DbPassword), Log);
        var worker = VmEventEngine.For(options).Worker(Log, dbPassword, new RunspaceScriptCheckHost(Log));
        var settings = new WorkerSettings
        {
            Lease = options.Retry.MessageLease,
            Queues = [QueueKind.Retry],
            StopWhenEmpty = true,
            MaxMessages = MaxMessages,
            MaxRunTime = TimeBudget,
        };
        WriteObject(Run(token => worker.RunAsync(settings, Log.Output, token)));
    }
}
