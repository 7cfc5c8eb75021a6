using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Telemetry;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// Counts the four queues at an interval while a worker runs, for the <c>vmeventops.queue.depth</c> gauge; does nothing
/// (not even a request) while no metrics exporter listens. A count that fails is skipped: depth is a signal, not work.
/// </summary>
internal sealed class QueueDepthMonitor(QueueManager queues, IHostLog log)
{
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (VmEventTelemetry.QueueDepth.Enabled) await CountAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        foreach (var kind in Enum.GetValues<QueueKind>())
        {
            try
            {
                QueueDepths.Record(kind.ToString(), queues.NameOf(kind), await queues.CountAsync(kind, cancellationToken).ConfigureAwait(false));
            }
            catch (VmEventOpsException e)
            {
                log.Debug($"Worker: counting queue {queues.NameOf(kind)} failed ({e.ErrorId}); its depth is not reported this time.");
            }
        }
    }
}
