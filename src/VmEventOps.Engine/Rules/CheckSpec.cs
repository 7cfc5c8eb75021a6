namespace VmEventOps.Engine.Rules;

/// <summary>
/// One check a rule names: its kind, its name (its stage in results, traces and the history), how long it may take, and
/// whether a failure is worth another attempt (retried with backoff) or final (poison). Each kind adds its own settings.
/// </summary>
public abstract record CheckSpec
{
    public required string Name { get; init; }

    public abstract CheckKind Kind { get; }

    /// <summary>The longest the check may run; past it, it has not passed (TimedOut).</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>True when a later attempt may pass where this one failed.</summary>
    public required bool Retryable { get; init; }
}
