using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>What became of one message.</summary>
public sealed record VmEventResult
{
    public string? EventId { get; init; }
    public string? VmResourceId { get; init; }
    public string? VmName { get; init; }
    public required VmEventOutcome Outcome { get; init; }

    /// <summary>Why: a reject reason, an error, or what succeeded.</summary>
    public string? Reason { get; init; }

    /// <summary>This attempt's number (1 for the first).</summary>
    public int Attempt { get; init; }

    /// <summary>How often the queue has handed this message out (0 when a host took it and did not say).</summary>
    public long DequeueCount { get; init; }

    /// <summary>When the next attempt is due (RetryScheduled).</summary>
    public DateTimeOffset? NextAttemptOn { get; init; }

    public Guid? JobId { get; init; }
    public string? PrivateIpAddress { get; init; }

    /// <summary>The rule the VM matched.</summary>
    public string? Rule { get; init; }

    /// <summary>Each check run: name, kind, status, reason (secrets masked) and time.</summary>
    public IReadOnlyList<Checks.CheckRecord> Checks { get; init; } = [];

    /// <summary>The database check in one line.</summary>
    public string? DbCheck { get; init; }

    /// <summary>Milliseconds per step.</summary>
    public IReadOnlyDictionary<string, long> Stages { get; init; } = new Dictionary<string, long>();

    public long ElapsedMs { get; init; }
}
