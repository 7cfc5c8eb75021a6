namespace VmEventOps.Engine.Errors;

/// <summary>
/// Why a message ended as it did: a code of <see cref="ReasonCodes"/> (or an error id of the catalog), the step it
/// happened in, and a detail for people. Decisions carry it whole; it becomes text only where a result is shown or
/// written, and telemetry tags the code alone.
/// </summary>
public sealed record Reason(string Code, string? Detail = null, string? Step = null)
{
    // How the code and the detail join when no step is named: "Malformed:NotJson", "SplitBatch:2", "Onboarded 2026-…".
    private string Joint { get; init; } = ":";

    /// <summary>A reason that is its code alone.</summary>
    public static Reason Of(string code) => new(code);

    /// <summary>An error in a step: "Step: ErrorId: message".</summary>
    public static Reason Error(string step, string errorId, string message) => new(errorId, message, step);

    /// <summary>A VM onboarded before: "Onboarded 2026-11-25 08:00:00Z".</summary>
    public static Reason Onboarded(DateTimeOffset? on) => new(ReasonCodes.Onboarded, $"{on:u}") { Joint = " " };

    /// <summary>A reason of the event filter or parser, whose contract is "Code" or "Code:detail" (see <see cref="Events.RejectReasons"/>).</summary>
    public static Reason OfReject(string reject)
    {
        var colon = reject.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? new Reason(reject) : new Reason(reject[..colon], reject[(colon + 1)..]);
    }

    /// <summary>A code with a detail joined by a colon: "SplitBatch:2 (not ours: 1 NotVmWrite)".</summary>
    public static Reason WithDetail(string code, string detail) => new(code, detail);

    /// <summary>The text shown and written: the code alone, "Code:detail", or "Step: Code: detail".</summary>
    public string Render() => Step is not null ? $"{Step}: {Code}: {Detail}" : Detail is null ? Code : Code + Joint + Detail;

    public override string ToString() => Render();
}
