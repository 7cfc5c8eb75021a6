using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// A competing consumer of the workflow's queues for hosts without Functions: a continuous pipeline of at most
/// Concurrency messages in progress and up to a batch more waiting their turn (received again as soon as half a batch of
/// room is free, as the Functions queue listener's newBatchThreshold does, so one slow message never holds the rest back),
/// lease renewal from receipt to the end, polling back-off when idle, and a clean stop (messages in progress are
/// finished; those still waiting are made visible again at once). Each run is a <see cref="WorkerRun"/>.
/// </summary>
public sealed class QueueWorker(EventProcessor processor, QueueManager queues, IHostLog log)
{
    /// <summary>Runs until a limit is reached or <paramref name="cancellationToken"/> is cancelled; each result goes to <paramref name="onResult"/>.</summary>
    public async Task<WorkerSummary> RunAsync(WorkerSettings settings, Action<VmEventResult> onResult, CancellationToken cancellationToken)
    {
        using var run = new WorkerRun(processor, queues, log, settings, onResult, cancellationToken);
        return await run.RunAsync().ConfigureAwait(false);
    }
}
