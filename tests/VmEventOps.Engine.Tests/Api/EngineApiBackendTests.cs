using VmEventOps.Engine.Api;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Api;

/// <summary>The API's re-queue against Azurite: an id that is not there never hides the poison queue.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EngineApiBackendTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Requeue_OfAnIdNotInTheQueue_ShouldLeaveEveryPoisonMessageVisibleAndInPlace()
    {
        var options = azurite.UniqueQueues();
        var queues = VmEventEngine.For(options).Queues(NullHostLog.Instance);
        for (var i = 0; i < 400; i++) await queues.SendAsync(QueueKind.Poison, $"{{\"poisoned\":{i}}}", null, CancellationToken.None);
        var backend = new EngineApiBackend(VmEventEngine.For(options), SecretRedactor.ForOptions(options), NullHostLog.Instance);

        var results = await backend.RequeueAsync(["no-such-message"], force: false, CancellationToken.None);

        Assert.False(Assert.Single(results).Found);
        // Every message it looked past is visible again at once (none waits out the re-queue's lease), and none moved.
        var visible = 0;
        while (await queues.ReceiveAsync(QueueKind.Poison, QueueManager.MaxBatch, TimeSpan.FromMinutes(5), null, CancellationToken.None) is { Count: > 0 } batch) visible += batch.Count;
        Assert.Equal(400, visible);
        Assert.Equal(0, await queues.CountAsync(QueueKind.Main, CancellationToken.None));
    }
}
