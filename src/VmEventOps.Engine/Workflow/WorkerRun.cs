using System.Diagnostics;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Telemetry;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// One run of a <see cref="QueueWorker"/>: at most Concurrency messages in their work (lookups, checks, the job) at once
/// and up to a batch more waiting their turn or being routed, leased (and renewed), so a slot that frees never waits for
/// a receive; a new receive goes out once half a batch of room is free. A message whose outcome is decided hands its slot
/// to the next while its record and destination are written (storage only, which the next message's work does not wait
/// for). Idle, it polls less often the longer nothing comes, as the Functions listener does.
/// </summary>
internal sealed class WorkerRun : IDisposable
{
    // While messages are in progress the queue is looked at again within a second at most; after a failed receive
    // (storage away) the first wait is a second, as the SDK's own retries have already waited.
    private static readonly TimeSpan BusyPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReceiveFailureFloor = TimeSpan.FromSeconds(1);

    private readonly EventProcessor _processor;
    private readonly QueueManager _queues;
    private readonly IHostLog _log;
    private readonly WorkerSettings _settings;
    private readonly Action<VmEventResult> _onResult;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenSource _limit;
    private readonly SemaphoreSlim _slots;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<VmEventOutcome, int> _outcomes = [];
    private readonly List<Task> _running = [];
    private readonly int _capacity;
    private readonly int _threshold;
    // No ARM wait of a message runs past the end of the run: a longer one defers the message.
    private readonly DateTimeOffset? _runEnds;
    private int _processed;
    private int _started;
    private int _redeliveries;
    private TimeSpan _idle = TimeSpan.Zero;
    private TimeSpan _busyPoll = TimeSpan.Zero;
    private TimeSpan _lastReport = TimeSpan.Zero;

    public WorkerRun(EventProcessor processor, QueueManager queues, IHostLog log, WorkerSettings settings, Action<VmEventResult> onResult, CancellationToken cancellationToken)
    {
        (_processor, _queues, _log, _settings, _onResult, _cancellation) = (processor, queues, log, settings, onResult, cancellationToken);
        _slots = new SemaphoreSlim(settings.Concurrency);
        _capacity = settings.Concurrency + settings.BatchSize;
        _threshold = Math.Max(1, settings.BatchSize / 2);
        _limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.MaxRunTime is { } runTime) _limit.CancelAfter(runTime);
        _runEnds = settings.MaxRunTime is { } length ? DateTimeOffset.UtcNow + length : null;
    }

    /// <summary>Runs until a limit is reached or the run is cancelled; finishes the started messages, gives the waiting ones back.</summary>
    public async Task<WorkerSummary> RunAsync()
    {
        using var counting = CancellationTokenSource.CreateLinkedTokenSource(_limit.Token);
        var depths = new QueueDepthMonitor(_queues, _log).RunAsync(_settings.QueueDepthInterval, counting.Token);
        string reason;
        try
        {
            reason = await LoopAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_limit.IsCancellationRequested)
        {
            reason = _cancellation.IsCancellationRequested ? "Stopped" : "MaxRunTime";
        }

        await Task.WhenAll(_running).ConfigureAwait(false);
        await counting.CancelAsync().ConfigureAwait(false);
        await depths.ConfigureAwait(false);
        TelemetryExport.Flush(TimeSpan.FromSeconds(5));
        Report();
        _log.Progress(new HostProgress(3, "VmEventOps worker", "Done", 100, Completed: true));
        return new WorkerSummary { Processed = _processed, Outcomes = _outcomes, Elapsed = _clock.Elapsed, StoppedBecause = reason, LeftForRedelivery = _redeliveries };
    }

    private async Task<string> LoopAsync()
    {
        while (true)
        {
            await SurfaceFailureAsync().ConfigureAwait(false);
            _running.RemoveAll(t => t.IsCompleted);
            var remaining = _settings.MaxMessages is { } max ? max - _started : int.MaxValue;
            if (remaining <= 0) return "MaxMessages";
            var wanted = Math.Min(_capacity - _running.Count, remaining);
            if (_running.Count > 0 && wanted < Math.Min(_threshold, remaining))
            {
                await Task.WhenAny(_running).ConfigureAwait(false);
                Report();
                continue;
            }

            var batch = await TryReceiveAsync(Math.Clamp(Math.Min(wanted, _settings.BatchSize), 1, QueueManager.MaxBatch)).ConfigureAwait(false);
            if (batch is null) continue;
            if (batch.Count > 0)
            {
                _idle = TimeSpan.Zero;
                _busyPoll = TimeSpan.Zero;
                foreach (var message in batch)
                {
                    _started++;
                    _running.Add(Task.Run(() => RunOneAsync(message), CancellationToken.None));
                }

                continue;
            }

            if (await IdleAsync().ConfigureAwait(false)) return "Empty";
        }
    }

    // Something no message should cause (a bug, the host's output failing): stop, give the waiting ones back, finish the
    // started ones, then report it.
    private async Task SurfaceFailureAsync()
    {
        if (_running.Find(t => t.IsFaulted) is not { } failed) return;
        await _limit.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Where(t => t != failed).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        await failed.ConfigureAwait(false);
    }

    // Storage away (a restart, a network blip): wait longer each time and try again (null); the worker goes on.
    private async Task<IReadOnlyList<VmEventMessage>?> TryReceiveAsync(int count)
    {
        try
        {
            foreach (var queue in _settings.Queues)
            {
                var batch = await _queues.ReceiveAsync(queue, count, _settings.Lease, filter: null, _limit.Token).ConfigureAwait(false);
                if (batch.Count > 0) return batch;
            }

            return [];
        }
        catch (VmEventOpsException e) when (e.IsTransient)
        {
            _idle = PollingBackoff.Next(_idle, ReceiveFailureFloor, _settings.MaxPollingInterval);
            _log.Warning($"Worker: cannot receive ({e.Message}); trying again in {_idle.TotalSeconds:0} s.");
            await Task.Delay(_idle, _limit.Token).ConfigureAwait(false);
            return null;
        }
    }

    // Nothing visible: while work is in progress look again soon (backing off to a second, or once all of it is done); else
    // stop when asked to stop when empty, or poll less often the longer nothing comes (100 ms up to MaxPollingInterval). True: stop.
    private async Task<bool> IdleAsync()
    {
        if (_running.Count > 0)
        {
            _busyPoll = PollingBackoff.Next(_busyPoll, PollingBackoff.Floor, BusyPollInterval);
            await Task.WhenAny(Task.Delay(_busyPoll, _limit.Token), Task.WhenAll(_running)).ConfigureAwait(false);
            _limit.Token.ThrowIfCancellationRequested();
            Report();
            return false;
        }

        if (_settings.StopWhenEmpty && (!_settings.WaitForInvisible || await IsDrainedAsync().ConfigureAwait(false))) return true;
        _idle = PollingBackoff.Next(_idle, PollingBackoff.Floor, _settings.MaxPollingInterval);
        await Task.Delay(_idle, _limit.Token).ConfigureAwait(false);
        return false;
    }

    private async Task RunOneAsync(VmEventMessage message)
    {
        VmEventResult? result;
        try
        {
            result = await ProcessWithLeaseAsync(message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not even the retry or poison queue could be written (storage away, a role missing): the message stays where
            // it is and comes back when its lease runs out. Nothing is lost, and no message stops the worker; only the host
            // failing to take a result does (SurfaceFailureAsync).
            Interlocked.Increment(ref _redeliveries);
            _log.Warning($"Worker: message {message.MessageId} left for redelivery: {(e as VmEventOpsException)?.ErrorId ?? e.GetType().Name}: {e.Message}");
            return;
        }

        if (result is null) return;   // given back unstarted: the run is stopping
        lock (_outcomes)
        {
            _outcomes[result.Outcome] = _outcomes.GetValueOrDefault(result.Outcome) + 1;
            _processed++;
        }

        _onResult(result);
    }

    // The message is leased (and renewed, see RenewingLease) from receipt to the end, while it waits for a slot and while
    // it is processed. A message still waiting when the run stops is given back at once (made visible) and null returned.
    private async Task<VmEventResult?> ProcessWithLeaseAsync(VmEventMessage message)
    {
        var slot = new SlotHold(_slots);
        await using var held = new RenewingLease(message, _settings.Lease, _queues, _log, _runEnds, _limit.Token, slot.Release);
        try
        {
            await slot.AcquireAsync(_limit.Token).ConfigureAwait(false);
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
            return await _processor.ProcessAsync(message, force: false, held, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            slot.Release();
        }
    }

    private async Task GiveBackAsync(VmEventMessage message)
    {
        try
        {
            await _queues.RenewLeaseAsync(message, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (VmEventOpsException e)
        {
            // It comes back when its lease runs out instead.
            _log.Warning($"Message {message.MessageId} could not be given back at once: {e.Message}");
        }
    }

    // Leased messages of a worker that died, or failed mid-way, come back when their lease runs out.
    private async Task<bool> IsDrainedAsync()
    {
        foreach (var queue in _settings.Queues)
        {
            if (await _queues.CountAsync(queue, _limit.Token).ConfigureAwait(false) > 0) return false;
        }

        return true;
    }

    private void Report()
    {
        if (_clock.Elapsed - _lastReport > TimeSpan.FromSeconds(10))
        {
            _lastReport = _clock.Elapsed;
            _log.Verbose($"Worker: {_processed} message(s) in {_clock.Elapsed.TotalSeconds:0} s: {Describe()}.");
        }

        _log.Progress(new HostProgress(3, "VmEventOps worker", $"{_processed} message(s): {Describe()}"));
    }

    private string Describe()
    {
        lock (_outcomes) return _outcomes.Count == 0 ? "none yet" : WorkerSummary.Describe(_outcomes);
    }

    public void Dispose()
    {
        _limit.Dispose();
        _slots.Dispose();
    }
}
