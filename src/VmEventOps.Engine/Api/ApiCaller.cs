namespace VmEventOps.Engine.Api;

/// <summary>
/// Who calls the API, as its host established it: every caller that reached the router may read; <see cref="CanAct"/>
/// says whether it may also re-queue and re-run, and <see cref="DeniedReason"/> why not.
/// </summary>
/// <param name="Name">Who it is, for the log (a principal's name, "function key", "local dashboard").</param>
/// <param name="CanAct">True when actions (onboard, requeue) are allowed.</param>
/// <param name="DeniedReason">Why actions are refused, when they are.</param>
public sealed record ApiCaller(string Name, bool CanAct, string? DeniedReason = null)
{
    /// <summary>An automation caller that presented the Function app's function key (the Functions host checked it).</summary>
    public static ApiCaller FunctionKey { get; } = new("function key", CanAct: true);

    /// <summary>A reader only, with the reason actions are refused.</summary>
    public static ApiCaller ReadOnly(string name, string reason) => new(name, CanAct: false, reason);
}
