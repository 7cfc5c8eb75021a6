namespace VmEventOps.Engine.Workflow;

/// <summary>One attempt's end, as the VM's onboarding record keeps it: when, which attempt, its outcome and the reason.</summary>
public sealed record OnboardingAttempt(DateTimeOffset Time, int Attempt, string Outcome, string? Reason);
