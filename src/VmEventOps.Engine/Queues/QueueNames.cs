using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Queues;

/// <summary>Maps the four queue kinds to their configured names.</summary>
public static class QueueNames
{
    /// <summary>The configured name of one queue.</summary>
    public static string For(QueueKind kind, VmEventOptions options) => kind switch
    {
        QueueKind.Main => options.QueueName,
        QueueKind.Retry => options.RetryQueueName,
        QueueKind.Succeeded => options.SucceededQueueName,
        QueueKind.Poison => options.PoisonQueueName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
