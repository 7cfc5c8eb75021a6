using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// How a message is held while it is processed: what its latest state is when the workflow lets it go (a worker renews
/// the lease and hands over the latest pop receipt), and how long an ARM wait may run (the worker's run, the lease).
/// </summary>
public class MessageLease
{
    /// <summary>A message held as it was received (a single call, or one a Functions host took): nothing is renewed.</summary>
    public static MessageLease Held { get; } = new();

    /// <summary>Cancelled when a wait (a job slot, a Retry-After) should be cut short and the message deferred.</summary>
    public virtual CancellationToken Deferral => CancellationToken.None;

    /// <summary>No ARM wait runs past this time (a worker's run end), when set.</summary>
    public virtual DateTimeOffset? Deadline => null;

    /// <summary>Stops any renewal and returns the message as it stands now (its latest pop receipt), before it is deleted or moved.</summary>
    public virtual Task<VmEventMessage> SettleAsync(VmEventMessage received) => Task.FromResult(received);
}
