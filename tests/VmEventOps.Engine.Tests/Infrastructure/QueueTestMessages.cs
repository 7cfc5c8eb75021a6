using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Tests.Infrastructure;

/// <summary>How workflow tests put a VM's event on the main queue, as Event Grid would, and take a message the way a worker does.</summary>
public static class QueueTestMessages
{
    /// <summary>A fresh ResourceWriteSuccess event for the VM, as Event Grid writes it.</summary>
    public static string EventFor(string vmResourceId) => VmWriteEventFactory.Create(VmResourceId.Parse(vmResourceId), null, null, DateTimeOffset.UtcNow);

    /// <summary>Sends an event (or any text) to the main queue, encoded as the queue's settings say.</summary>
    public static Task SendToMainAsync(this QueueManager queues, string json) =>
        queues.SendAsync(QueueKind.Main, queues.EncodeForMainQueue(json), null, CancellationToken.None);

    /// <summary>Receives the one visible message of a queue, leased for a minute.</summary>
    public static async Task<VmEventMessage> ReceiveOneAsync(this QueueManager queues, QueueKind kind = QueueKind.Main) =>
        (await queues.ReceiveAsync(kind, 1, TimeSpan.FromMinutes(1), null, CancellationToken.None)).Single();
}
