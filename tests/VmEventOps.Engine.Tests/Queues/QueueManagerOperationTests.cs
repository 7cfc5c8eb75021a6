using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Queues;

[Collection(AzuriteCollection.Name)]
public sealed class QueueManagerOperationTests(AzuriteFixture azurite)
{
    private static readonly EventFilter AnyScope = new(["*"]);
    private readonly VmEventOptions _options = azurite.UniqueQueues();


    private QueueManager Manager(Func<CancellationToken, Task>? betweenSendAndDelete = null) =>
        new(new QueueServiceClient(azurite.ConnectionString), _options, NullHostLog.Instance, TimeProvider.System) { BetweenSendAndDelete = betweenSendAndDelete };

    private QueueClient Raw(QueueKind kind) => new(azurite.ConnectionString, QueueNames.For(kind, _options.Storage));

    [Fact]
    public async Task Send_ToAMissingQueue_ShouldCreateItAndPeekShouldReadTheEventWithoutChangingAnything()
    {
        var manager = Manager();
        var body = manager.EncodeForMainQueue(Samples.VmWriteEvent());

        var id = await manager.SendAsync(QueueKind.Main, body, null, CancellationToken.None);
        var peeked = await manager.PeekAsync(QueueKind.Main, 32, AnyScope, CancellationToken.None);
        var again = await manager.PeekAsync(QueueKind.Main, 32, AnyScope, CancellationToken.None);

        var message = Assert.Single(peeked);
        Assert.Equal(id, message.MessageId);
        Assert.Null(message.PopReceipt);
        Assert.Equal(0, message.DequeueCount);
        Assert.Equal(0, message.Attempt);
        Assert.True(message.Event!.Accepted);
        Assert.Equal("vmName", message.Event.VmName);
        Assert.Equal(body, message.Body);
        Assert.Equal(0, Assert.Single(again).DequeueCount);
    }

    [Fact]
    public void EncodeForMainQueue_ShouldWriteBase64AsEventGridDoes_OrTextWhenConfigured()
    {
        var json = Samples.VmWriteEvent();

        Assert.Equal(json, Encoding.UTF8.GetString(Convert.FromBase64String(Manager().EncodeForMainQueue(json))));
        var text = new QueueManager(new QueueServiceClient(azurite.ConnectionString), _options with { MessageEncoding = QueueMessageFormat.Text }, NullHostLog.Instance, TimeProvider.System);
        Assert.Equal(json, text.EncodeForMainQueue(json));
    }

    [Fact]
    public async Task Receive_WithALease_ShouldHideTheMessageAndGiveItsPopReceipt()
    {
        var manager = Manager();
        await manager.SendAsync(QueueKind.Main, Samples.VmWriteEvent(), null, CancellationToken.None);

        var received = Assert.Single(await manager.ReceiveAsync(QueueKind.Main, 32, TimeSpan.FromMinutes(1), AnyScope, CancellationToken.None));

        Assert.NotNull(received.PopReceipt);
        Assert.Equal(1, received.DequeueCount);
        Assert.Empty(await manager.PeekAsync(QueueKind.Main, 32, AnyScope, CancellationToken.None));
        Assert.Equal(1, await manager.CountAsync(QueueKind.Main, CancellationToken.None));
    }

    [Fact]
    public async Task Peek_AndReceive_OnAMissingQueue_ShouldGiveNothing()
    {
        var manager = Manager();

        Assert.Empty(await manager.PeekAsync(QueueKind.Poison, 32, AnyScope, CancellationToken.None));
        Assert.Empty(await manager.ReceiveAsync(QueueKind.Poison, 32, TimeSpan.FromSeconds(5), AnyScope, CancellationToken.None));
        Assert.Equal(0, await manager.CountAsync(QueueKind.Poison, CancellationToken.None));
    }

    [Fact]
    public async Task Move_ShouldPutTheBodyInTheDestinationAndRemoveTheSource()
    {
        var manager = Manager();
        await manager.SendAsync(QueueKind.Main, Samples.VmWriteEvent(), null, CancellationToken.None);
        var received = (await manager.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromMinutes(1), AnyScope, CancellationToken.None))[0];
        var envelope = new MessageEnvelope { Attempt = 1, FirstSeen = DateTimeOffset.UtcNow, Reason = "DatabaseUnreachable", Original = received.Body }
            .WithHistory(DateTimeOffset.UtcNow, "DatabaseCheck", "timeout");

        await manager.MoveAsync(received, QueueKind.Retry, envelope.Serialize(), null, CancellationToken.None);

        Assert.Equal(0, await manager.CountAsync(QueueKind.Main, CancellationToken.None));
        var moved = Assert.Single(await manager.PeekAsync(QueueKind.Retry, 32, AnyScope, CancellationToken.None));
        Assert.Equal(1, moved.Attempt);
        Assert.Equal(envelope.FirstSeen.ToUnixTimeMilliseconds(), moved.FirstSeen!.Value.ToUnixTimeMilliseconds());
        Assert.Equal("timeout", moved.LastError);
        Assert.Equal("DatabaseUnreachable", moved.Reason);
        Assert.Equal(Samples.VmWriteEvent(), moved.Body);
        Assert.True(moved.Event!.Accepted);
    }

    [Fact]
    public async Task Move_WhenTheProcessDiesBetweenSendAndDelete_ShouldLeaveTheMessageInAtLeastOneQueue()
    {
        var crashing = Manager(_ => throw new InvalidOperationException("process killed"));
        await crashing.SendAsync(QueueKind.Main, Samples.VmWriteEvent(), null, CancellationToken.None);
        var received = (await crashing.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromSeconds(1), AnyScope, CancellationToken.None))[0];

        await Assert.ThrowsAsync<InvalidOperationException>(() => crashing.MoveAsync(received, QueueKind.Poison, received.Body, null, CancellationToken.None));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the source's lease runs out

        var inPoison = await Manager().PeekAsync(QueueKind.Poison, 32, AnyScope, CancellationToken.None);
        var inMain = await Manager().PeekAsync(QueueKind.Main, 32, AnyScope, CancellationToken.None);
        Assert.Single(inPoison);
        Assert.Single(inMain); // delivered again: the onboarding state makes the second run a no-op
    }

    [Fact]
    public async Task Move_WithAPeekedMessage_ShouldRefuseAndMoveNothing()
    {
        var manager = Manager();
        await manager.SendAsync(QueueKind.Main, Samples.VmWriteEvent(), null, CancellationToken.None);
        var peeked = (await manager.PeekAsync(QueueKind.Main, 1, AnyScope, CancellationToken.None))[0];

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => manager.MoveAsync(peeked, QueueKind.Poison, peeked.Body, null, CancellationToken.None));

        Assert.Equal(ErrorIds.MessageNotLeased, error.ErrorId);
        Assert.Equal(0, await manager.CountAsync(QueueKind.Poison, CancellationToken.None));
    }

    [Fact]
    public async Task RenewLease_ShouldExtendTheHidingAndGiveANewPopReceipt()
    {
        var manager = Manager();
        await manager.SendAsync(QueueKind.Main, Samples.VmWriteEvent(), null, CancellationToken.None);
        var received = (await manager.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromSeconds(2), AnyScope, CancellationToken.None))[0];

        var renewed = await manager.RenewLeaseAsync(received, TimeSpan.FromMinutes(5), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.NotEqual(received.PopReceipt, renewed.PopReceipt);
        Assert.Empty(await manager.PeekAsync(QueueKind.Main, 32, AnyScope, CancellationToken.None));
        Assert.True(await manager.DeleteAsync(renewed, CancellationToken.None));
        Assert.False(await manager.DeleteAsync(renewed, CancellationToken.None)); // already gone
    }

    [Fact]
    public async Task Move_AfterTheLeaseWasLostToAnotherConsumer_ShouldKeepTheCopyAndLeaveTheOriginalToItsNewHolder()
    {
        var manager = Manager();
        await manager.SendAsync(QueueKind.Main, Samples.VmWriteEvent(), null, CancellationToken.None);
        var ours = (await manager.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromSeconds(1), AnyScope, CancellationToken.None))[0];
        await Task.Delay(TimeSpan.FromSeconds(1.5));   // our lease runs out (a starved renewal) ...
        var theirs = (await manager.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromMinutes(1), AnyScope, CancellationToken.None))[0];   // ... and another worker holds it now

        await manager.MoveAsync(ours, QueueKind.Succeeded, ours.Body, null, CancellationToken.None);

        Assert.Equal(1, await manager.CountAsync(QueueKind.Succeeded, CancellationToken.None));
        Assert.True(await manager.DeleteAsync(theirs, CancellationToken.None));   // the holder completes it
    }

    [Fact]
    public async Task ReceiveAll_ShouldPagePast32AndReleaseEveryMessageAfterwards()
    {
        var manager = Manager();
        await Parallel.ForEachAsync(Enumerable.Range(0, 70), async (i, token) =>
            await manager.SendAsync(QueueKind.Poison, Samples.VmWriteEvent(vm: "vm" + i), null, token));

        var all = await manager.ReceiveAllAsync(QueueKind.Poison, TimeSpan.FromMinutes(2), keepLeases: false, AnyScope, CancellationToken.None);

        Assert.Equal(70, all.Count);
        Assert.Equal(70, all.Select(m => m.Event!.VmName).Distinct().Count());
        Assert.All(all, m => Assert.Null(m.PopReceipt));
        Assert.Equal(32, (await manager.PeekAsync(QueueKind.Poison, 32, AnyScope, CancellationToken.None)).Count); // visible again
    }

    [Fact]
    public async Task Send_ToRetryAndPoison_ShouldNeverExpire_AndToSucceededShouldExpireAsConfigured()
    {
        var manager = Manager();

        await manager.SendAsync(QueueKind.Poison, "{}", null, CancellationToken.None);
        await manager.SendAsync(QueueKind.Retry, "{}", null, CancellationToken.None);
        await manager.SendAsync(QueueKind.Succeeded, "{}", null, CancellationToken.None);

        Assert.True((await Raw(QueueKind.Poison).PeekMessageAsync()).Value.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100));
        Assert.True((await Raw(QueueKind.Retry).PeekMessageAsync()).Value.ExpiresOn > DateTimeOffset.UtcNow.AddYears(100));
        var succeeded = (await Raw(QueueKind.Succeeded).PeekMessageAsync()).Value.ExpiresOn!.Value;
        Assert.InRange(succeeded - DateTimeOffset.UtcNow, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task Send_WithADelay_ShouldKeepTheMessageInvisibleUntilDue()
    {
        var manager = Manager();

        await manager.SendAsync(QueueKind.Retry, "{}", TimeSpan.FromMinutes(10), CancellationToken.None);

        Assert.Empty(await manager.PeekAsync(QueueKind.Retry, 32, AnyScope, CancellationToken.None));
        Assert.Equal(1, await manager.CountAsync(QueueKind.Retry, CancellationToken.None));
    }

    [Fact]
    public async Task Send_AnEnvelopeNearThe64KiBLimit_ShouldBeAcceptedAndComeBackVerbatim()
    {
        var manager = Manager();
        var original = "{\"pad\":\"" + new string('<', 30 * 1024) + new string('&', 30 * 1024) + "\"}";
        var envelope = new MessageEnvelope { Attempt = 3, FirstSeen = DateTimeOffset.UtcNow, Original = original };
        for (var i = 0; i < 50; i++) envelope = envelope.WithHistory(DateTimeOffset.UtcNow, "Stage" + i, new string('e', 900));

        await manager.SendAsync(QueueKind.Poison, envelope.Serialize(), null, CancellationToken.None);

        var read = Assert.Single(await manager.PeekAsync(QueueKind.Poison, 1, AnyScope, CancellationToken.None));
        Assert.Equal(original, read.Body);
        Assert.Equal(3, read.Attempt);
    }

    [Fact]
    public async Task Send_ABodyOverTheLimit_ShouldFailAsTooLargeAndSendNothing()
    {
        var manager = Manager();

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => manager.SendAsync(QueueKind.Poison, new string('x', 70_000), null, CancellationToken.None));

        Assert.Equal(ErrorIds.MessageTooLarge, error.ErrorId);
        Assert.Equal(0, await manager.CountAsync(QueueKind.Poison, CancellationToken.None));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class QueueManagerDeadLetterTests(AzuriteFixture azurite)
{
    private static readonly EventFilter AnyScope = new(["*"]);

    [Fact]
    public async Task DeadLetter_AnOriginalTooLargeToWrapWithoutABlobStore_ShouldGoToPoisonAsItIsWithAWarning()
    {
        var options = azurite.UniqueQueues();
        var log = new RecordingHostLog();
        var manager = new QueueManager(new QueueServiceClient(azurite.ConnectionString), options, log, TimeProvider.System);
        var original = "{\"pad\":\"" + new string('x', MessageEnvelope.MaxMessageBytes - 20) + "\"}";
        await manager.SendAsync(QueueKind.Main, original, null, CancellationToken.None);
        var received = (await manager.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromMinutes(1), AnyScope, CancellationToken.None))[0];
        var envelope = new MessageEnvelope { Attempt = 1, FirstSeen = DateTimeOffset.UtcNow, Reason = "Malformed:NotJson", Original = received.Body };

        await manager.DeadLetterAsync(received, envelope, CancellationToken.None);

        var poisoned = Assert.Single(await manager.PeekAsync(QueueKind.Poison, 1, AnyScope, CancellationToken.None));
        Assert.Equal(original, poisoned.Body);
        Assert.Equal(0, await manager.CountAsync(QueueKind.Main, CancellationToken.None));
        Assert.Contains(log.Warnings, w => w.Contains(QueueManager.TooLargeReason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeadLetter_AnOriginalTooLargeToWrap_ShouldKeepItInABlobAndTheReasonInTheEnvelope()
    {
        var options = azurite.UniqueQueues() with { LargeMessageContainerName = "large" + Guid.NewGuid().ToString("n")[..12] };
        var manager = VmEventEngine.For(options).Queues(NullHostLog.Instance);
        var original = "{\"pad\":\"" + new string('x', MessageEnvelope.MaxMessageBytes - 20) + "\"}";
        await manager.SendAsync(QueueKind.Main, original, null, CancellationToken.None);
        var received = (await manager.ReceiveAsync(QueueKind.Main, 1, TimeSpan.FromMinutes(1), AnyScope, CancellationToken.None))[0];
        var envelope = new MessageEnvelope { Attempt = 1, FirstSeen = DateTimeOffset.UtcNow, Reason = "Malformed:NotJson", Original = received.Body };

        await manager.DeadLetterAsync(received, envelope, CancellationToken.None);
        await manager.DeadLetterAsync(received with { PopReceipt = null }, envelope, CancellationToken.None);   // stored once, pointed at twice

        var poisoned = await manager.PeekAsync(QueueKind.Poison, 32, AnyScope, CancellationToken.None);
        Assert.Equal(2, poisoned.Count);
        Assert.All(poisoned, p => Assert.Equal((original, "Malformed:NotJson", LargeMessageStore.NameOf(original)), (p.Body, p.Reason, p.OriginalBlob)));
        var blobs = new BlobContainerClient(azurite.ConnectionString, options.LargeMessageContainerName).GetBlobs().Select(b => b.Name).ToArray();
        Assert.Equal([LargeMessageStore.NameOf(original)], blobs);
    }

    [Fact]
    public async Task Read_AClaimCheckWhoseBlobIsGoneOrChanged_ShouldBeAMessageWithoutEventsAndItsReason()
    {
        var options = azurite.UniqueQueues() with { LargeMessageContainerName = "large" + Guid.NewGuid().ToString("n")[..12] };
        var manager = VmEventEngine.For(options).Queues(NullHostLog.Instance);
        var container = new BlobContainerClient(azurite.ConnectionString, options.LargeMessageContainerName);
        await container.CreateIfNotExistsAsync();
        var claimed = new string('a', 64);
        await container.GetBlobClient(claimed).UploadAsync(BinaryData.FromString("{\"not\":\"what the name says\"}"));
        foreach (var name in new[] { claimed, new string('b', 64) })
        {
            await manager.SendAsync(QueueKind.Retry, new MessageEnvelope { Attempt = 1, FirstSeen = DateTimeOffset.UtcNow, Original = string.Empty, OriginalBlob = name }.Serialize(), null, CancellationToken.None);
        }

        var read = await manager.PeekAsync(QueueKind.Retry, 32, AnyScope, CancellationToken.None);

        Assert.Equal(2, read.Count);
        Assert.All(read, m => Assert.Equal([QueueManager.ClaimCheckMissingReason], m.ParseFailures));
        Assert.All(read, m => Assert.Null(m.Event));
    }
}
