using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Queues;

/// <summary>Maps the four queue kinds to their configured names.</summary>
public static class QueueNames
{
    /// <summary>The configured name of one queue.</summary>
    public static string For(QueueKind kind, StorageOptions storage) => kind switch
    {
        QueueKind.Main => storage.QueueName,
        QueueKind.Retry => storage.RetryQueueName,
        QueueKind.Succeeded => storage.SucceededQueueName,
        QueueKind.Poison => storage.PoisonQueueName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
