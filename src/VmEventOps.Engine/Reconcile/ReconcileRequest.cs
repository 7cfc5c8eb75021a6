namespace VmEventOps.Engine.Reconcile;

/// <summary>What one sweep does: -WhatIf (list only), whether dead-lettered VMs are queued again, whether Event Grid's dead letters are replayed.</summary>
public sealed record ReconcileRequest
{
    /// <summary>List what would be queued and replayed; send and mark nothing.</summary>
    public bool WhatIf { get; init; }

    /// <summary>Queue VMs whose record is DeadLettered too (the workflow gave up on them).</summary>
    public bool RequeueDeadLettered { get; init; }

    /// <summary>Replay Event Grid's dead-letter blobs first (default).</summary>
    public bool ReplayDeadLetters { get; init; } = true;

    /// <summary>Who asked (recorded in each event's data.vmEventOps).</summary>
    public string? RequestedBy { get; init; }
}
