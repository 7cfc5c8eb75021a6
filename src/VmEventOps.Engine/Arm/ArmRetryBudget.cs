using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Arm;

/// <summary>
/// How long the ARM requests of one invocation may wait before trying again: no single wait longer than
/// <see cref="MaxWait"/> (ArmMaxRetryWait), and none that ends past <see cref="Deadline"/>, the end of the invocation
/// (InvocationTimeout from the start: the Functions timeout, Automation's fair share; then the earliest of a worker's
/// MaxRunTime and a message's lease, see <see cref="Until"/>). A wait the service names beyond either is not slept: the
/// request fails VmArmThrottled with the service's Retry-After, and the workflow defers the message.
/// </summary>
/// <remarks>
/// The budget travels with each request (an <see cref="Azure.Core.HttpMessage"/> property read by
/// <see cref="ArmRetryPolicy"/>), so one process-wide pipeline serves invocations with different deadlines. A cancellation
/// token could end a wait at the deadline, but only after sleeping up to it; the budget refuses the wait before it starts.
/// </remarks>
public sealed record ArmRetryBudget(TimeSpan MaxWait, DateTimeOffset? Deadline)
{
    private static readonly TimeSpan LongestMargin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The budget of an invocation that started at <paramref name="started"/>: ArmMaxRetryWait, and InvocationTimeout less
    /// a tenth of it (at most a minute), kept for routing the message after the last request.
    /// </summary>
    public static ArmRetryBudget For(ArmOptions arm, DateTimeOffset started) =>
        new(arm.ArmMaxRetryWait, arm.InvocationTimeout is { } timeout ? started + timeout - Margin(timeout) : null);

    /// <summary>The same budget ending no later than <paramref name="deadline"/> (a worker's run, a message's lease).</summary>
    public ArmRetryBudget Until(DateTimeOffset? deadline) =>
        deadline is { } end && (Deadline is not { } current || end < current) ? this with { Deadline = end } : this;

    /// <summary>The time left before the deadline (never negative); null without one.</summary>
    public TimeSpan? Remaining(DateTimeOffset now) => Deadline is { } end ? (end > now ? end - now : TimeSpan.Zero) : null;

    /// <summary>Why a wait of <paramref name="wait"/> starting now may not be slept; null when it may.</summary>
    public string? Refuses(TimeSpan wait, DateTimeOffset now)
    {
        if (wait > MaxWait) return $"longer than ArmMaxRetryWait ({MaxWait.TotalSeconds:0} s)";
        return Remaining(now) is { } left && wait > left ? $"longer than the time left in this invocation ({left.TotalSeconds:0} s)" : null;
    }

    private static TimeSpan Margin(TimeSpan timeout) => timeout / 10 < LongestMargin ? timeout / 10 : LongestMargin;
}
