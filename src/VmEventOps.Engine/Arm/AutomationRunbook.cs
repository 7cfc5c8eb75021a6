namespace VmEventOps.Engine.Arm;

/// <summary>A runbook of an Automation account, as Runbook_ListByAutomationAccount reports it.</summary>
public sealed record AutomationRunbook
{
    /// <summary>The runbook's name (what a job names in <c>properties.runbook.name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>PowerShell, PowerShell72, Python3, GraphPowerShell, ... as Automation names the type.</summary>
    public string? RunbookType { get; init; }

    /// <summary>Published, New (never published) or Edit (a draft beside the published version).</summary>
    public string? State { get; init; }
}
