using Azure.Core;
using Azure.Core.Pipeline;

namespace VmEventOps.Engine.Arm;

/// <summary>
/// Azure.Core's retry policy (408, 429, 500, 502, 503, 504 and connection failures; exponential backoff with jitter), with
/// the request's <see cref="ArmRetryBudget"/> asked before each wait. Azure.Core sleeps the longer of the service's
/// Retry-After and its own capped backoff, so a Retry-After of 1200 s would be slept in full: here a named wait the budget
/// refuses ends the retries at once and leaves an <see cref="ArmRetryRefusal"/> on the message, and so does a backoff that
/// would run past the deadline. The response (or the exception) then goes back to the caller as it came.
/// </summary>
internal sealed class ArmRetryPolicy(int maxRetries, TimeSpan delay, TimeSpan maxDelay)
    : RetryPolicy(maxRetries, DelayStrategy.CreateExponentialDelayStrategy(delay, maxDelay))
{
    // Tries of a message so far (HttpMessage.RetryNumber is Azure.Core's own).
    protected override void OnSendingRequest(HttpMessage message) => Tries.Of(message).Count++;

    protected override ValueTask OnSendingRequestAsync(HttpMessage message)
    {
        Tries.Of(message).Count++;
        return default;
    }

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        base.ShouldRetry(message, exception) && Admits(message);

    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        await base.ShouldRetryAsync(message, exception).ConfigureAwait(false) && Admits(message);

    private bool Admits(HttpMessage message)
    {
        if (!message.TryGetProperty(typeof(ArmRetryBudget), out var value) || value is not ArmRetryBudget budget) return true;
        var now = DateTimeOffset.UtcNow;
        // The wait the service named: what Azure.Core would sleep at least.
        if (message.HasResponse && AzureFailure.RetryAfter(message.Response) is { } named && budget.Refuses(named, now) is { } why)
        {
            message.SetProperty(typeof(ArmRetryRefusal), new ArmRetryRefusal(named, why));
            return false;
        }

        // Our own backoff at its longest (doubling per retry, +20 % jitter, capped) may not run past the deadline either.
        var backoff = TimeSpan.FromMilliseconds(Math.Min(maxDelay.TotalMilliseconds, delay.TotalMilliseconds * Math.Pow(2, Tries.Of(message).Count - 1) * 1.2));
        if (budget.Remaining(now) is { } left && backoff > left)
        {
            message.SetProperty(typeof(ArmRetryRefusal), new ArmRetryRefusal(null, $"the next try would come after the time left in this invocation ({left.TotalSeconds:0} s)"));
            return false;
        }

        return true;
    }

    private sealed class Tries
    {
        public int Count { get; set; }

        public static Tries Of(HttpMessage message)
        {
            if (message.TryGetProperty(typeof(Tries), out var value) && value is Tries tries) return tries;
            tries = new Tries();
            message.SetProperty(typeof(Tries), tries);
            return tries;
        }
    }
}
