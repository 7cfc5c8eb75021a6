using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Workflow;

/// <summary>Exponential backoff with jitter: base × factor^(attempt-1), ±20 %, capped at the maximum delay.</summary>
public sealed class RetrySchedule(VmEventOptions options)
{
    // A queue message can stay invisible for 7 days at most.
    private static readonly TimeSpan QueueLimit = TimeSpan.FromDays(7);

    /// <summary>True when another attempt is allowed after <paramref name="attemptsMade"/>.</summary>
    public bool CanRetry(int attemptsMade) => attemptsMade < options.MaxAttempts;

    // When a throttled service does not say how long to wait: Automation's job quota window.
    private static readonly TimeSpan DefaultThrottleWait = TimeSpan.FromSeconds(30);

    /// <summary>How long a throttled message waits: the service's Retry-After (or 30 s), plus 0-20 % jitter.</summary>
    public static TimeSpan ThrottledDelay(TimeSpan? retryAfter)
    {
        var wait = retryAfter is { } given && given > TimeSpan.Zero ? given : DefaultThrottleWait;
        return wait * (1 + (Random.Shared.NextDouble() * 0.2));
    }

    /// <summary>How long to wait after <paramref name="attemptsMade"/> attempts (at least 1).</summary>
    public TimeSpan DelayAfter(int attemptsMade)
    {
        var raw = options.RetryBaseDelay.TotalSeconds * Math.Pow(options.RetryFactor, Math.Max(0, attemptsMade - 1));
        var capped = Math.Min(raw, Math.Min(options.RetryMaxDelay.TotalSeconds, QueueLimit.TotalSeconds));
        var jittered = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromSeconds(Math.Min(jittered, Math.Min(options.RetryMaxDelay.TotalSeconds, QueueLimit.TotalSeconds)));
    }
}
