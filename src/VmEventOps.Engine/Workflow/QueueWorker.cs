using System.Diagnostics;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// A competing consumer of the workflow's queues for hosts without Functions: a continuous pipeline of at most
/// Concurrency messages in progress and up to a batch more waiting their turn (received again as soon as half a batch of
/// room is free, as the Functions queue listener's newBatchThreshold does, so one slow message never holds the rest back),
/// lease renewal from receipt to the end, polling back-off when idle, and a clean stop (messages in progress are
/// finished; those still waiting are made visible again at once).
/// </summary>
public sealed class QueueWorker(EventProcessor processor, QueueManager queues, IHostLog log)
{
    private static readonly TimeSpan BusyPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs until a limit is reached or <paramref name="cancellationToken"/> is cancelled; each result goes to <paramref name="onResult"/>.</summary>
    public async Task<WorkerSummary> RunAsync(WorkerSettings settings, Action<VmEventResult> onResult, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var outcomes = new Dictionary<VmEventOutcome, int>();
        var processed = 0;
        var started = 0;
        var redeliveries = 0;
        var idle = TimeSpan.Zero;
        var lastReport = TimeSpan.Zero;
        var running = new List<Task>();
        // At most Concurrency messages are processed at once; up to a batch more wait their turn, leased (and renewed),
        // so a slot that frees never waits for a receive. A new receive goes out once half a batch of room is free.
        using var slots = new SemaphoreSlim(settings.Concurrency);
        var capacity = settings.Concurrency + settings.BatchSize;
        var threshold = Math.Max(1, settings.BatchSize / 2);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.MaxRunTime is { } runTime) limit.CancelAfter(runTime);
        // No ARM wait of a message runs past the end of the run: a longer one defers the message.
        DateTimeOffset? runEnds = settings.MaxRunTime is { } length ? DateTimeOffset.UtcNow + length : null;
        string? reason = null;
        using var counting = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
        var depths = new QueueDepthMonitor(queues, log).RunAsync(settings.QueueDepthInterval, counting.Token);

        void Report()
        {
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                log.Verbose($"Worker: {processed} message(s) in {clock.Elapsed.TotalSeconds:0} s: {Describe(outcomes)}.");
            }

            log.Progress(new HostProgress(3, "VmEventOps worker", $"{processed} message(s): {Describe(outcomes)}"));
        }

        async Task RunOneAsync(VmEventMessage message)
        {
            VmEventResult? result;
            try
            {
                result = await ProcessWithLeaseAsync(message, settings.Lease, slots, runEnds, limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Not even the retry or poison queue could be written (storage away, a role missing): the message stays
                // where it is and comes back when its lease runs out. Nothing is lost, and no message stops the worker;
                // only the host failing to take a result does (below).
                Interlocked.Increment(ref redeliveries);
                log.Warning($"Worker: message {message.MessageId} left for redelivery: {(e as VmEventOpsException)?.ErrorId ?? e.GetType().Name}: {e.Message}");
                return;
            }

            if (result is null) return;   // given back unstarted: the run is stopping
            lock (outcomes)
            {
                outcomes[result.Outcome] = outcomes.GetValueOrDefault(result.Outcome) + 1;
                processed++;
            }

            onResult(result);
        }

        try
        {
            while (reason is null)
            {
                if (running.Find(t => t.IsFaulted) is { } failed)
                {
                    // Something no message should cause (a bug, the host's output failing): stop, give the waiting ones
                    // back, finish the started ones, then report it.
                    await limit.CancelAsync().ConfigureAwait(false);
                    await Task.WhenAll(running.Where(t => t != failed).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
                    await failed.ConfigureAwait(false);
                }

                running.RemoveAll(t => t.IsCompleted);
                var remaining = settings.MaxMessages is { } max ? max - started : int.MaxValue;
                if (remaining <= 0)
                {
                    reason = "MaxMessages";
                    break;
                }

                var wanted = Math.Min(capacity - running.Count, remaining);
                if (running.Count > 0 && wanted < Math.Min(threshold, remaining))
                {
                    await Task.WhenAny(running).ConfigureAwait(false);
                    Report();
                    continue;
                }

                IReadOnlyList<VmEventMessage> batch;
                try
                {
                    batch = await ReceiveAsync(settings, Math.Clamp(Math.Min(wanted, settings.BatchSize), 1, QueueManager.MaxBatch), limit.Token).ConfigureAwait(false);
                }
                catch (VmEventOpsException e) when (e.IsTransient)
                {
                    // Storage is away (a restart, a network blip): wait longer each time and try again; the worker goes on.
                    idle = NextIdle(idle, settings);
                    log.Warning($"Worker: cannot receive ({e.Message}); trying again in {idle.TotalSeconds:0} s.");
                    await Task.Delay(idle, limit.Token).ConfigureAwait(false);
                    continue;
                }

                if (batch.Count == 0 && running.Count > 0)
                {
                    // Nothing visible while work is in progress: look again in a second, or once all of it is done.
                    await Task.WhenAny(Task.Delay(BusyPollInterval, limit.Token), Task.WhenAll(running)).ConfigureAwait(false);
                    limit.Token.ThrowIfCancellationRequested();
                    Report();
                    continue;
                }

                if (batch.Count == 0)
                {
                    if (settings.StopWhenEmpty && (!settings.WaitForInvisible || await IsDrainedAsync(settings, limit.Token).ConfigureAwait(false)))
                    {
                        reason = "Empty";
                        break;
                    }

                    // Idle: poll less often the longer nothing comes (up to MaxPollingInterval), as the Functions listener does.
                    idle = NextIdle(idle, settings);
                    await Task.Delay(idle, limit.Token).ConfigureAwait(false);
                    continue;
                }

                idle = TimeSpan.Zero;
                foreach (var message in batch)
                {
                    started++;
                    running.Add(Task.Run(() => RunOneAsync(message), CancellationToken.None));
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            reason = cancellationToken.IsCancellationRequested ? "Stopped" : "MaxRunTime";
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        await counting.CancelAsync().ConfigureAwait(false);
        await depths.ConfigureAwait(false);
        TelemetryExport.Flush(TimeSpan.FromSeconds(5));
        Report();
        log.Progress(new HostProgress(3, "VmEventOps worker", "Done", 100, Completed: true));
        return new WorkerSummary { Processed = processed, Outcomes = outcomes, Elapsed = clock.Elapsed, StoppedBecause = reason, LeftForRedelivery = redeliveries };
    }

    private static TimeSpan NextIdle(TimeSpan idle, WorkerSettings settings) =>
        idle == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollingInterval.Ticks));

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

    // The message is leased (and renewed, see RenewingLease) from receipt to the end, while it waits for a slot and while
    // it is processed. A message still waiting when the run stops is given back at once (made visible) and null returned.
    private async Task<VmEventResult?> ProcessWithLeaseAsync(VmEventMessage message, TimeSpan lease, SemaphoreSlim slots, DateTimeOffset? runEnds, CancellationToken stopping)
    {
        await using var held = new RenewingLease(message, lease, queues, log, stopping, runEnds);
        try
        {
            await slots.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await GiveBackAsync(await held.SettleAsync(message).ConfigureAwait(false)).ConfigureAwait(false);
            return null;
        }

        try
        {
            // A started message is finished even when the run is stopping: leaving it half done helps no one. Only a wait
            // for a job slot, or an ARM Retry-After reaching past the run's end, is cut short: the message is deferred to
            // the retry queue (no attempt used up).
            return await processor.ProcessAsync(message, force: false, held, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task GiveBackAsync(VmEventMessage message)
    {
        try
        {
            await queues.RenewLeaseAsync(message, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (VmEventOpsException e)
        {
            // It comes back when its lease runs out instead.
            log.Warning($"Message {message.MessageId} could not be given back at once: {e.Message}");
        }
    }

    private static string Describe(Dictionary<VmEventOutcome, int> outcomes)
    {
        lock (outcomes) return outcomes.Count == 0 ? "none yet" : WorkerSummary.Describe(outcomes);
    }
}
