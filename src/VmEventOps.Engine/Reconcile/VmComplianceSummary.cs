namespace VmEventOps.Engine.Reconcile;

/// <summary>How many VMs of one scope are in one status (Get-VmOnboardingCompliance -Summary).</summary>
public sealed record VmComplianceSummary(string Scope, ComplianceStatus Status, int Count);
