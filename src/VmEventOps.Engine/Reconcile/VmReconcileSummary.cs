using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Reconcile;

/// <summary>The end of a sweep: what it listed, queued, found gone and replayed, how each scope's listing went, and how long it took.</summary>
public sealed record VmReconcileSummary
{
    /// <summary>VMs listed in scope.</summary>
    public int Vms { get; init; }

    /// <summary>Events queued (or, with -WhatIf, that would be).</summary>
    public int Queued { get; init; }

    /// <summary>VMs onboarded already.</summary>
    public int Onboarded { get; init; }

    /// <summary>Records whose VM no longer exists.</summary>
    public int Gone { get; init; }

    /// <summary>Dead-lettered events replayed (or that would be).</summary>
    public int DeadLettersReplayed { get; init; }

    /// <summary>Dead-letter blobs that cannot be read (kept).</summary>
    public int DeadLettersUnreadable { get; init; }

    /// <summary>List pages read (ARM or Resource Graph requests, before retries).</summary>
    public int ArmPages { get; init; }

    /// <summary>True when every scope was listed to its end.</summary>
    public bool Complete { get; init; }

    /// <summary>The longest wait ARM named for a deferred scope: sweep again after it.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True under -WhatIf: nothing was sent or marked.</summary>
    public bool WhatIf { get; init; }

    /// <summary>How long the sweep took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Each scope's listing.</summary>
    public IReadOnlyList<VmScopeListing> Scopes { get; init; } = [];

    /// <summary>In one line: complete, or which scopes were not and why.</summary>
    public string Reason => Complete ? "Every scope listed to its end." : string.Join(" ", Scopes.Where(s => !s.Complete).Select(s => s.Problem));
}
