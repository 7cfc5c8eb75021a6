namespace VmEventOps.Engine.Rules;

/// <summary>
/// A runbook a rule starts: its Automation account (AutomationAccountId when not given), its name, the Hybrid Runbook
/// Worker group (the sandbox when empty) and parameters whose values are templates of the VM's facts
/// (<see cref="FactTemplate"/>), added to the built-in ones (<see cref="BuiltInParameters"/>), which a rule cannot name.
/// </summary>
public sealed record RunbookActionSpec
{
    /// <summary>The parameters the engine gives a runbook itself: a rule's parameter of one of these names is an error, so no tag can point a runbook at another VM.</summary>
    public static IReadOnlyList<string> BuiltInParameters { get; } = ["VmName", "VmResourceId", "PrivateIpAddress", "CorrelationId", "TraceId", "VmId", "EventTime"];

    public required string AutomationAccountId { get; init; }

    public required string RunbookName { get; init; }

    public string? HybridWorkerGroup { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// True for the runbook of the RunbookName setting: it gets the parameters it always got (VmName, VmResourceId,
    /// PrivateIpAddress, CorrelationId, TraceId), since a job that passes a parameter its runbook does not declare fails.
    /// A runbook a rule names also gets VmId and EventTime.
    /// </summary>
    public bool FromSettings { get; init; }
}
