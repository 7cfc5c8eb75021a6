using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// A check's result as it is shown and kept (the result, the state record's history, the trail): its name, kind, status,
/// reason (secrets masked, bounded) and time. Never carries a check's settings.
/// </summary>
public sealed record CheckRecord(string Name, string? Kind, CheckStatus Status, string? Reason, long ElapsedMs)
{
    /// <summary>The record of <paramref name="result"/>, its reason passed through <paramref name="text"/> (the router's masking).</summary>
    public static CheckRecord Of(CheckResult result, Func<string, string> text) => new(
        result.Name, result.Kind, result.Status,
        result.Passed ? result.Summary is { } summary ? text(summary) : null : text(result.Failure is { } f ? $"{f.ErrorId}: {f.Message}" : result.Summary ?? string.Empty),
        result.ElapsedMs);

    public override string ToString() => $"{Name} {Status} ({ElapsedMs} ms){(Reason is null ? string.Empty : ": " + Reason)}";
}
