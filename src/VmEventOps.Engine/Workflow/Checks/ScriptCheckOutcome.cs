namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>What a script answered: passed or not, and its message.</summary>
public sealed record ScriptCheckOutcome(bool Passed, string? Message);
