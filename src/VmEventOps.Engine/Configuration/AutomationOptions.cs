namespace VmEventOps.Engine.Configuration;

/// <summary>Where runbook jobs run, how they are paced and how long they are awaited. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record AutomationOptions
{
    /// <summary>api-version of Microsoft.Automation requests (runbook jobs).</summary>
    public string AutomationApiVersion { get; init; } = "2024-10-23";

    /// <summary>Resource ID of the Azure Automation account that runs the onboarding runbook.</summary>
    public string? AutomationAccountId { get; init; }

    /// <summary>Name of the onboarding runbook.</summary>
    public string? RunbookName { get; init; }

    /// <summary>Hybrid Runbook Worker group to run the job on (Azure sandbox when empty).</summary>
    public string? HybridWorkerGroup { get; init; }

    /// <summary>How often a runbook job is polled while waiting for it.</summary>
    public TimeSpan RunbookPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a runbook job to end.</summary>
    public TimeSpan RunbookTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>New runbook jobs one process starts per AutomationJobWindow at most (Automation's quota: 100 per 30 s per account); fewer while the account answers 429.</summary>
    public int AutomationJobsPerWindow { get; init; } = 100;

    /// <summary>The sliding window of AutomationJobsPerWindow.</summary>
    public TimeSpan AutomationJobWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a job start waits for the quota, its message held, before the message is deferred to the retry queue instead (no attempt used up).</summary>
    public TimeSpan AutomationJobMaxWait { get; init; } = TimeSpan.FromMinutes(5);
}
