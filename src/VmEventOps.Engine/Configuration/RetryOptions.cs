namespace VmEventOps.Engine.Configuration;

/// <summary>Leases, attempts and the backoff between them. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record RetryOptions
{
    /// <summary>How long a worker hides a message it received; renewed every third of that until the message is routed.</summary>
    public TimeSpan MessageLease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts per event before it goes to the poison queue.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Deliveries of one message (its DequeueCount, counted by the queue service) before it goes to the poison queue unprocessed, as the Functions host's maxDequeueCount: a message that stops its consumer each time cannot come back for ever.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Delay before the first retry; multiplied by RetryFactor each attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How much longer each retry waits than the one before.</summary>
    public int RetryFactor { get; init; } = 2;

    /// <summary>Longest delay between two attempts.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromHours(1);
}
