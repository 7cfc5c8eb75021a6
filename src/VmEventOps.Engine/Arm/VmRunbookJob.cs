using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Arm;

/// <summary>An Azure Automation runbook job, with its output and errors once it has ended.</summary>
public sealed record VmRunbookJob
{
    /// <summary>The job's name in the Automation account (a GUID): what Get-VmRunbookJob takes.</summary>
    public required Guid JobId { get; init; }

    /// <summary>The runbook it runs.</summary>
    public required string RunbookName { get; init; }

    /// <summary>New, Activating, Running, Completed, Failed, Stopped, Suspended, ...</summary>
    public required string Status { get; init; }

    /// <summary>When the job started running.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>The output stream, whole, one line an item (after the job ended, when asked for).</summary>
    public IReadOnlyList<string> Output { get; init; } = [];

    /// <summary>The error stream records (their summaries), and the job's exception when it failed.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>
    /// What could not be read of a job that has ended (its output, its error stream), each as the error that stopped it: the
    /// job is returned with what was read, and the cmdlets write these as non-terminating errors.
    /// </summary>
    public IReadOnlyList<VmEventOpsException> ReadFailures { get; init; } = [];

    /// <summary>The job's exception text, when it failed.</summary>
    public string? Exception { get; init; }

    /// <summary>True when the job was already there (the same job name asked for again): nothing new was started.</summary>
    public bool AlreadyExisted { get; init; }

    /// <summary>The parameters the job was started with (Automation keeps them as text).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>The Hybrid Runbook Worker group it runs on (empty: Azure).</summary>
    public string? RunOn { get; init; }

    /// <summary>The Automation account.</summary>
    public required string AutomationAccountId { get; init; }

    /// <summary>True for Completed, Failed, Stopped and Suspended.</summary>
    public bool IsTerminal => Status is "Completed" or "Failed" or "Stopped" or "Suspended";

    /// <summary>True when it ended otherwise than Completed.</summary>
    public bool IsFailure => Status is "Failed" or "Stopped" or "Suspended";
}
