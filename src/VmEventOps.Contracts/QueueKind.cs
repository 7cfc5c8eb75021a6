namespace VmEventOps;

/// <summary>The four queues of the workflow.</summary>
public enum QueueKind
{
    /// <summary>Where Event Grid writes new events.</summary>
    Main,

    /// <summary>Messages waiting for another attempt, each due after its backoff.</summary>
    Retry,

    /// <summary>Onboarded events with their result.</summary>
    Succeeded,

    /// <summary>Bad messages and exhausted attempts, with every reason.</summary>
    Poison,
}
