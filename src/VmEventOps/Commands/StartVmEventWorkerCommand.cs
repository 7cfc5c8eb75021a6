using System.Management.Automation;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Workflow;
using VmEventOps.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Processes the main queue (and optionally the retry queue) as a long-running worker, for hosts without Functions.</para>
/// <para type="description">A competing consumer: processes up to -Concurrency messages at once with the workflow of Invoke-VmEventWorkflow
/// while up to -BatchSize more wait their turn, receiving again as soon as half a batch of room is free (one slow message never holds
/// the rest back), renews each message's lease from receipt until it is routed, and polls less often while the queues are empty (from
/// 100 ms, doubling up to every 30 seconds, like the Functions queue listener). Several workers, on one machine or many, can share the queues: a message is
/// processed by one of them, and a VM is onboarded once. Writes each VmEventResult as it completes, a progress line while it runs, and
/// a summary at the end.</para>
/// <para type="description">-WhatIf loads the settings (and reads any Key Vault reference among them) and says which queues it would
/// process, without receiving a message.</para>
/// <para type="description">Ctrl+C stops it cleanly: messages being processed are finished, nothing received is left half done, and
/// messages still waiting their turn are made visible again at once. A message waiting for a slot of the Automation account's job
/// quota is not held for it: it goes to the retry queue at once, due when the slot would have been, without using an attempt.
/// -MaxRunTime stops it after that long, the same way.</para>
/// <example>
///   <code>Start-VmEventWorker -Concurrency 16 -IncludeRetry</code>
///   <para>Runs until Ctrl+C, onboarding every VM whose event reaches the main or the retry queue.</para>
/// </example>
/// <example>
///   <code>Start-VmEventWorker -MaxRunTime 00:05:00 | Group-Object Outcome</code>
///   <para>Runs for five minutes (an Automation runbook on a schedule) and counts the outcomes.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VmEventWorker", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VmEventResult), typeof(WorkerSummary))]
public sealed class StartVmEventWorkerCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">Messages in their work at once (the VM lookup, the checks, the job). A message whose outcome is decided frees its slot while its record and destination are written.</para></summary>
    [Parameter]
    [ValidateRange(1, 256)]
    [PSDefaultValue(Value = 8)]
    public int Concurrency { get; set; } = 8;

    /// <summary><para type="description">Messages received per request (1 to 32), and how many more than -Concurrency are held, leased, waiting their turn.</para></summary>
    [Parameter]
    [ValidateRange(1, QueueManager.MaxBatch)]
    [PSDefaultValue(Value = 16)]
    public int BatchSize { get; set; } = 16;

    /// <summary><para type="description">Stop after this long; until Ctrl+C when omitted.</para></summary>
    [Parameter]
    public TimeSpan? MaxRunTime { get; set; }

    /// <summary><para type="description">Stop when the queues are empty, leased and not-yet-due messages included, instead of waiting for more (a batch run, such as a scheduled runbook).</para></summary>
    [Parameter]
    public SwitchParameter UntilEmpty { get; set; }

    /// <summary><para type="description">Also process the retry queue's due messages (after the main queue's).</para></summary>
    [Parameter]
    public SwitchParameter IncludeRetry { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var configuration = LoadConfiguration();
        var options = configuration.Options;
        var queues = IncludeRetry ? $"{options.Storage.QueueName} and {options.Storage.RetryQueueName}" : options.Storage.QueueName;
        if (!ShouldProcess($"queue {queues}", "Receive, onboard and route messages")) return;
        // The database password may be a Key Vault reference: read again as its cache period passes, so a rotated one is picked up.
        var dbPassword = VmEventEngine.Secrets.SecretSource(configuration, nameof(VmEventOptions.DbPassword), Log);
        var worker = VmEventEngine.For(options).Worker(Log, dbPassword, new RunspaceScriptCheckHost(Log));
        var settings = new WorkerSettings
        {
            Lease = options.Retry.MessageLease,
            Concurrency = Concurrency,
            BatchSize = BatchSize,
            MaxRunTime = MaxRunTime,
            StopWhenEmpty = UntilEmpty,
            WaitForInvisible = UntilEmpty,
            Queues = IncludeRetry ? [QueueKind.Main, QueueKind.Retry] : [QueueKind.Main],
        };
        WriteObject(Run(token => worker.RunAsync(settings, Log.Output, token)));
    }
}
