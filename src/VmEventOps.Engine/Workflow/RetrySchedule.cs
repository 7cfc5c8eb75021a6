using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// Exponential backoff with jitter: base × factor^(attempt-1), ±20 %, capped at the maximum delay; and the wait of a
/// throttled message. <paramref name="jitter"/> gives numbers in [0, 1) (Random.Shared by default; a fixed one in tests).
/// </summary>
public sealed class RetrySchedule(RetryOptions retry, Func<double>? jitter = null)
{
    // A queue message can stay invisible for 7 days at most.
    private static readonly TimeSpan QueueLimit = TimeSpan.FromDays(7);

    // When a throttled service does not say how long to wait: Automation's job quota window.
    private static readonly TimeSpan DefaultThrottleWait = TimeSpan.FromSeconds(30);

    private readonly Func<double> _jitter = jitter ?? Random.Shared.NextDouble;

    /// <summary>The attempts an event gets in all.</summary>
    public int MaxAttempts => retry.MaxAttempts;

    /// <summary>True when another attempt is allowed after <paramref name="attemptsMade"/>.</summary>
    public bool CanRetry(int attemptsMade) => attemptsMade < retry.MaxAttempts;

    /// <summary>How long a throttled message waits: the service's Retry-After (or 30 s), plus 0-20 % jitter, so that deferred messages do not return together.</summary>
    public TimeSpan ThrottledDelay(TimeSpan? retryAfter)
    {
        var wait = retryAfter is { } given && given > TimeSpan.Zero ? given : DefaultThrottleWait;
        return wait * (1 + (_jitter() * 0.2));
    }

    /// <summary>How long to wait after <paramref name="attemptsMade"/> attempts (at least 1).</summary>
    public TimeSpan DelayAfter(int attemptsMade)
    {
        var cap = Math.Min(retry.RetryMaxDelay.TotalSeconds, QueueLimit.TotalSeconds);
        var raw = retry.RetryBaseDelay.TotalSeconds * Math.Pow(retry.RetryFactor, Math.Max(0, attemptsMade - 1));
        var jittered = Math.Min(raw, cap) * (0.8 + (_jitter() * 0.4));
        return TimeSpan.FromSeconds(Math.Min(jittered, cap));
    }
}
