namespace VmEventOps.Engine.Reconcile;

/// <summary>How the listing of one scope went: VMs and pages read, whether it reached the end, and if not why (a deferral names ARM's wait).</summary>
public sealed record VmScopeListing
{
    /// <summary>The scope (ResourceGraph: the query over every scope).</summary>
    public required string Scope { get; init; }

    /// <summary>VMs read in scope.</summary>
    public int Vms { get; init; }

    /// <summary>List pages read (one ARM request each, before Azure.Core's own retries).</summary>
    public int Pages { get; init; }

    /// <summary>True when the list was read to its end.</summary>
    public bool Complete { get; init; }

    /// <summary>Why not (an error id and text).</summary>
    public string? Problem { get; init; }

    /// <summary>The wait ARM named when it throttled the list (Retry-After), not slept: sweep this scope again after it.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
