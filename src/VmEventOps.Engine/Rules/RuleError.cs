namespace VmEventOps.Engine.Rules;

/// <summary>A rule that is not valid: the error id (<see cref="Errors.ErrorIds"/>), the rule (its name or position), where it came from and what is wrong.</summary>
public sealed record RuleError(string ErrorId, string Rule, string Origin, string Message);
