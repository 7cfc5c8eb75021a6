namespace VmEventOps.Engine.Arm;

/// <summary>What to start: the runbook, its parameters, where it runs, and the job name (for idempotency).</summary>
public sealed record RunbookJobRequest
{
    /// <summary>The Automation account's resource ID.</summary>
    public required string AutomationAccountId { get; init; }

    /// <summary>The runbook.</summary>
    public required string RunbookName { get; init; }

    /// <summary>
    /// Parameters by name. Each value is sent JSON-encoded, as the Az cmdlets do (a string "vm-01" travels as
    /// "\"vm-01\""), so numbers, booleans, arrays and hashtables reach a PowerShell runbook with their types.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; init; } = new Dictionary<string, object?>();

    /// <summary>A Hybrid Runbook Worker group; null or empty runs in Azure.</summary>
    public string? RunOn { get; init; }

    /// <summary>The job name; given, a job of that name that exists already is adopted, not started again. New when null.</summary>
    public Guid? JobId { get; init; }

    /// <summary>
    /// The caller knows no job of this name can exist yet (its first claim of the VM): the GET before the PUT is left out,
    /// which saves an ARM call per new VM. A PUT that finds the job after all (Automation answers 409) still adopts it.
    /// </summary>
    public bool KnownNew { get; init; }
}
