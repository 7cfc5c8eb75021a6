namespace VmEventOps.Engine.Arm;

/// <summary>
/// Why <see cref="ArmRetryPolicy"/> did not try a request again: the wait the service named (null: our own backoff) and
/// why it was not slept.
/// </summary>
internal sealed record ArmRetryRefusal(TimeSpan? NamedWait, string Why);
