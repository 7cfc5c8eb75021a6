using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>How a worker or a retry pass runs.</summary>
public sealed record WorkerSettings
{
    /// <summary>Messages processed at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Messages received per request (at most 32); also how many more than Concurrency are held, leased, waiting their turn.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>How long a received message stays hidden; renewed while it is processed.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Stop after this long (null: until cancelled).</summary>
    public TimeSpan? MaxRunTime { get; init; }

    /// <summary>Stop after this many messages (null: no limit).</summary>
    public int? MaxMessages { get; init; }

    /// <summary>Stop when the queues show nothing visible instead of waiting for more (a retry pass).</summary>
    public bool StopWhenEmpty { get; init; }

    /// <summary>With <see cref="StopWhenEmpty"/>: stop only when the queues hold nothing at all, invisible (leased, not yet due) included.</summary>
    public bool WaitForInvisible { get; init; }

    /// <summary>Longest wait between polls of empty queues (the Functions queue listener's maxPollingInterval).</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the queues are counted for the vmeventops.queue.depth gauge (only while a metrics exporter listens).</summary>
    public TimeSpan QueueDepthInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The queues to read, in order of preference.</summary>
    public IReadOnlyList<QueueKind> Queues { get; init; } = [QueueKind.Main];
}
