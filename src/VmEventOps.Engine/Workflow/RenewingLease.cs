using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// A worker's lease on a received message: renewed every third of its length from receipt (while the message waits for a
/// slot and while it is processed), so a slow step never lets it reappear; settling stops renewal and hands over the
/// latest pop receipt. <see cref="Deferral"/> is the worker's stop; <see cref="Deadline"/> its run's end. Settling also
/// tells the worker (<c>onSettled</c>, once) that only the message's routing is left, so its slot can take the next one.
/// </summary>
internal sealed class RenewingLease : MessageLease, IAsyncDisposable
{
    private readonly CancellationTokenSource _done = new();
    private readonly Task _renewal;
    private readonly CancellationToken _stopping;
    private readonly DateTimeOffset? _runEnds;
    private Action? _onSettled;
    private VmEventMessage _current;
    private bool _disposed;

    public RenewingLease(VmEventMessage message, TimeSpan lease, QueueManager queues, IHostLog log, DateTimeOffset? runEnds, CancellationToken stopping, Action? onSettled = null)
    {
        _current = message;
        _onSettled = onSettled;
        _stopping = stopping;
        _runEnds = runEnds;
        // Renewal ends when the lease is disposed (its own token), not when the run stops: a held message stays hidden until settled.
        _renewal = Task.Run(() => RenewAsync(lease, queues, log), CancellationToken.None);
    }

    public override CancellationToken Deferral => _stopping;

    public override DateTimeOffset? Deadline => _runEnds;

    public override async Task<VmEventMessage> SettleAsync(VmEventMessage received)
    {
        await _done.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false);
        Interlocked.Exchange(ref _onSettled, null)?.Invoke();
        return _current;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await SettleAsync(_current).ConfigureAwait(false);
        _done.Dispose();
    }

    private async Task RenewAsync(TimeSpan lease, QueueManager queues, IHostLog log)
    {
        try
        {
            while (true)
            {
                // A third of the lease: a renewal delayed by a busy machine still lands before the lease runs out.
                await Task.Delay(lease / 3, _done.Token).ConfigureAwait(false);
                // Not cancelled midway: a renewal the service applied must also reach `_current`.
                _current = await queues.RenewLeaseAsync(_current, lease, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (VmEventOpsException e)
        {
            log.Warning($"The lease on message {_current.MessageId} could not be renewed: {e.Message}");
        }
    }
}
