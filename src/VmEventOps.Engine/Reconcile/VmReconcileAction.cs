namespace VmEventOps.Engine.Reconcile;

/// <summary>What the sweep did about one VM, record or dead letter.</summary>
public enum VmReconcileAction
{
    /// <summary>A ResourceWriteSuccess event was queued for a VM in scope that is not onboarded.</summary>
    Queued = 1,

    /// <summary>-WhatIf: the event would be queued.</summary>
    WouldQueue,

    /// <summary>A record whose VM no longer exists in its scope (reported; offboarding is not done here).</summary>
    Gone,

    /// <summary>An event of an Event Grid dead-letter blob was sent to the main queue.</summary>
    Replayed,

    /// <summary>-WhatIf: the dead-lettered event would be replayed.</summary>
    WouldReplay,

    /// <summary>A dead-letter blob that cannot be read as events: reported, never deleted.</summary>
    Unreadable,
}
