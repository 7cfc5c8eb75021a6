using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Reconcile;

/// <summary>One thing the sweep did or reports: a VM queued, a record without its VM, a dead letter replayed or unreadable.</summary>
public sealed record VmReconcileItem
{
    /// <summary>What was done.</summary>
    public required VmReconcileAction Action { get; init; }

    /// <summary>The VM's name (the blob's name for an unreadable dead letter).</summary>
    public required string Name { get; init; }

    /// <summary>The VM's compliance status before the sweep (null for dead letters).</summary>
    public ComplianceStatus? Status { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    /// <summary>The VM's resource ID, when known.</summary>
    public string? VmResourceId { get; init; }

    /// <summary>The message sent (Queued, Replayed).</summary>
    public string? MessageId { get; init; }

    /// <summary>The dead-letter blob (Replayed, Unreadable).</summary>
    public string? BlobName { get; init; }
}
