namespace VmEventOps.Engine.Workflow;

/// <summary>
/// Whether a work item's message has reached its destination (deleted, or moved to succeeded, retry or poison), and as
/// which outcome: what fails after that (bookkeeping) is reported, never routed a second time. Shared by the copies of
/// one work item; thread-safe.
/// </summary>
public sealed class RouteMark
{
    private VmEventOutcome? _outcome;
    private readonly object _gate = new();

    /// <summary>The outcome the message was routed as; null while it is not routed.</summary>
    public VmEventOutcome? Outcome
    {
        get
        {
            lock (_gate) return _outcome;
        }
    }

    /// <summary>Records that the message was routed as <paramref name="outcome"/> (the first record stands).</summary>
    public void Set(VmEventOutcome outcome)
    {
        lock (_gate) _outcome ??= outcome;
    }
}
