using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Workflow;

/// <summary>Exponential backoff with jitter: base × factor^(attempt-1), ±20 %, capped at the maximum delay.</summary>
public sealed class RetrySchedule(VmEventOptions options)
{
    // A queue message can stay invisible for 7 days at most.
    private static readonly TimeSpan QueueLimit = TimeSpan.FromDays(7);

    /// <summary>True when another attempt is allowed after <paramref name="attemptsMade"/>.</summary>
    public bool CanRetry(int attemptsMade) => attemptsMade < options.MaxAttempts;

    /// <summary>How long to wait after <paramref name="attemptsMade"/> attempts (at least 1).</summary>
    public TimeSpan DelayAfter(int attemptsMade)
    {
        var raw = options.RetryBaseDelay.TotalSeconds * Math.Pow(options.RetryFactor, Math.Max(0, attemptsMade - 1));
        var capped = Math.Min(raw, Math.Min(options.RetryMaxDelay.TotalSeconds, QueueLimit.TotalSeconds));
        var jittered = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromSeconds(Math.Min(jittered, Math.Min(options.RetryMaxDelay.TotalSeconds, QueueLimit.TotalSeconds)));
    }
}
