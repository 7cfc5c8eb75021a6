using System.Diagnostics;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// A competing consumer of the workflow's queues for hosts without Functions: batched receive, bounded
/// parallelism, lease renewal while a message is processed, polling back-off when idle, and a clean stop
/// (messages in flight are finished; unprocessed received ones are made visible again).
/// </summary>
public sealed class QueueWorker(EventProcessor processor, QueueManager queues, IHostLog log)
{
    /// <summary>Runs until a limit is reached or <paramref name="cancellationToken"/> is cancelled; each result goes to <paramref name="onResult"/>.</summary>
    public async Task<WorkerSummary> RunAsync(WorkerSettings settings, Action<VmEventResult> onResult, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new Dictionary<VmEventOutcome, int>();
        var processed = 0;
        var idle = TimeSpan.Zero;
        var lastReport = TimeSpan.Zero;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.MaxRunTime is { } runTime) limit.CancelAfter(runTime);
        string? reason = null;
        try
        {
            while (reason is null)
            {
                var room = settings.MaxMessages is { } max ? Math.Min(settings.BatchSize, max - processed) : settings.BatchSize;
                IReadOnlyList<VmEventMessage> batch;
                try
                {
                    batch = await ReceiveAsync(settings, Math.Clamp(room, 1, QueueManager.MaxBatch), limit.Token).ConfigureAwait(false);
                }
                catch (VmEventOpsException e) when (e.IsTransient)
                {
                    // Storage is away (a restart, a network blip): wait longer each time and try again; the worker goes on.
                    idle = idle == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollingInterval.Ticks));
                    log.Warning($"Worker: cannot receive ({e.Message}); trying again in {idle.TotalSeconds:0} s.");
                    await Task.Delay(idle, limit.Token).ConfigureAwait(false);
                    continue;
                }

                if (batch.Count == 0)
                {
                    if (settings.StopWhenEmpty && (!settings.WaitForInvisible || await IsDrainedAsync(settings, limit.Token).ConfigureAwait(false)))
                    {
                        reason = "Empty";
                        break;
                    }

                    idle = idle == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollingInterval.Ticks));
                    await Task.Delay(idle, limit.Token).ConfigureAwait(false);
                    continue;
                }

                idle = TimeSpan.Zero;
                await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (message, _) =>
                {
                    // A started message is finished even when the run is stopping: leaving it half done helps no one.
                    VmEventResult result;
                    try
                    {
                        result = await ProcessWithLeaseAsync(message, settings.Lease, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (VmEventOpsException e) when (e.IsTransient)
                    {
                        // Not even the retry queue could be written: the message stays where it is and comes back when
                        // its lease runs out. Nothing is lost; the worker goes on.
                        log.Warning($"Worker: message {message.MessageId} left for redelivery: {e.Message}");
                        return;
                    }

                    lock (outcomes)
                    {
                        outcomes[result.Outcome] = outcomes.GetValueOrDefault(result.Outcome) + 1;
                        processed++;
                    }

                    onResult(result);
                }).ConfigureAwait(false);

                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
                {
                    lastReport = clock.Elapsed;
                    log.Verbose($"Worker: {processed} message(s) in {clock.Elapsed.TotalSeconds:0} s: {Describe(outcomes)}.");
                }

                log.Progress(new HostProgress(3, "VmEventOps worker", $"{processed} message(s): {Describe(outcomes)}"));
                if (settings.MaxMessages is { } most && processed >= most) reason = "MaxMessages";
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            reason = cancellationToken.IsCancellationRequested ? "Stopped" : "MaxRunTime";
        }

        log.Progress(new HostProgress(3, "VmEventOps worker", "Done", 100, Completed: true));
        return new WorkerSummary { Processed = processed, Outcomes = outcomes, Elapsed = clock.Elapsed, StoppedBecause = reason };
    }

    // Leased messages of a worker that died, or failed mid-way, come back when their lease runs out.
    private async Task<bool> IsDrainedAsync(WorkerSettings settings, CancellationToken cancellationToken)
    {
        foreach (var queue in settings.Queues)
        {
            if (await queues.CountAsync(queue, cancellationToken).ConfigureAwait(false) > 0) return false;
        }

        return true;
    }

    private async Task<IReadOnlyList<VmEventMessage>> ReceiveAsync(WorkerSettings settings, int count, CancellationToken cancellationToken)
    {
        foreach (var queue in settings.Queues)
        {
            var batch = await queues.ReceiveAsync(queue, count, settings.Lease, filter: null, cancellationToken).ConfigureAwait(false);
            if (batch.Count > 0) return batch;
        }

        return [];
    }

    // Renews the lease at half its length while the message is processed, so a slow step never lets it reappear;
    // before the processor deletes or moves the message, renewal stops and the latest pop receipt is handed over.
    private async Task<VmEventResult> ProcessWithLeaseAsync(VmEventMessage message, TimeSpan lease, CancellationToken cancellationToken)
    {
        var current = message;
        using var done = new CancellationTokenSource();
        var renewal = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(lease / 2, done.Token).ConfigureAwait(false);
                    // Not cancelled midway: a renewal the service applied must also reach `current`.
                    current = await queues.RenewLeaseAsync(current, lease, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (VmEventOpsException e)
            {
                log.Warning($"The lease on message {message.MessageId} could not be renewed: {e.Message}");
            }
        });

        async Task<VmEventMessage> Settle()
        {
            await done.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            return current;
        }

        try
        {
            return await processor.ProcessAsync(message, force: false, Settle, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await Settle().ConfigureAwait(false);
        }
    }

    private static string Describe(Dictionary<VmEventOutcome, int> outcomes)
    {
        lock (outcomes) return outcomes.Count == 0 ? "none yet" : WorkerSummary.Describe(outcomes);
    }
}
