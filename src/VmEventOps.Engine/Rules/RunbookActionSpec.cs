namespace VmEventOps.Engine.Rules;

/// <summary>
/// A runbook a rule starts: its Automation account (AutomationAccountId when not given), its name, the Hybrid Runbook
/// Worker group (the sandbox when empty) and parameters whose values are templates of the VM's facts
/// (<see cref="FactTemplate"/>), added to VmName, VmResourceId, PrivateIpAddress, CorrelationId and TraceId.
/// </summary>
public sealed record RunbookActionSpec
{
    public required string AutomationAccountId { get; init; }

    public required string RunbookName { get; init; }

    public string? HybridWorkerGroup { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}
