using Azure.Storage.Queues;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Queues;

[Collection(AzuriteCollection.Name)]
public sealed class QueueManagerStatusTests(AzuriteFixture azurite)
{

    [Fact]
    public async Task GetStatus_WhenNoQueueExists_ShouldReportTheMainQueueUnhealthyAndTheOthersNotCreated()
    {
        var options = azurite.UniqueQueues();

        var status = await VmEventEngine.For(options).Queues(NullHostLog.Instance).GetStatusAsync(new QueueHealthThresholds(), CancellationToken.None);

        Assert.Equal([QueueKind.Main, QueueKind.Retry, QueueKind.Succeeded, QueueKind.Poison], status.Select(s => s.Queue));
        Assert.All(status, s => Assert.False(s.Exists));
        Assert.False(status[0].Healthy);
        Assert.Contains("does not exist", status[0].Reason);
        Assert.All(status.Skip(1), s => Assert.True(s.Healthy));
    }

    [Fact]
    public async Task GetStatus_WithMessagesOverTheThresholds_ShouldCountThemAndFlagRetryAndPoison()
    {
        var options = azurite.UniqueQueues();
        var service = new QueueServiceClient(azurite.ConnectionString);
        foreach (var (name, count) in new[] { (options.QueueName, 2), (options.RetryQueueName, 3), (options.SucceededQueueName, 1), (options.PoisonQueueName, 1) })
        {
            var queue = service.GetQueueClient(name);
            await queue.CreateAsync();
            for (var i = 0; i < count; i++) await queue.SendMessageAsync($"message {i}");
        }

        var log = new RecordingHostLog();
        var status = await VmEventEngine.For(options).Queues(log).GetStatusAsync(new QueueHealthThresholds { Retry = 2, Poison = 0 }, CancellationToken.None);

        Assert.Equal([2, 3, 1, 1], status.Select(s => s.ApproximateCount));
        Assert.Equal([true, false, true, false], status.Select(s => s.Healthy));
        Assert.Contains("3 message(s) waiting for retry", status[1].Reason);
        Assert.All(status, s => Assert.InRange(s.OldestMessageAge!.Value, TimeSpan.FromSeconds(-5), TimeSpan.FromMinutes(1)));
        Assert.Equal(4, log.Verbose.Count());
    }

    [Fact]
    public async Task GetStatus_WhenStorageIsUnreachable_ShouldFailWithAConnectionErrorAndNoAccountKey()
    {
        var options = azurite.UniqueQueues() with
        {
            StorageConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteFixture.AccountKey};QueueEndpoint=http://127.0.0.1:9/devstoreaccount1",
        };
        var manager = VmEventEngine.For(options).Queues(NullHostLog.Instance);

        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => manager.GetStatusAsync(new QueueHealthThresholds(), CancellationToken.None));

        Assert.Equal(ErrorIds.StorageRequestFailed, error.ErrorId);
        Assert.Equal(VmErrorCategory.ConnectionError, error.Category);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, error.Message);
    }

    [Fact]
    public void Create_WithoutAnyStorageSetting_ShouldFailSayingWhatToSet()
    {
        var error = Assert.Throws<VmEventOpsException>(() => VmEventEngine.For(new VmEventOptions()).Queues(NullHostLog.Instance));

        Assert.Equal(ErrorIds.StorageNotConfigured, error.ErrorId);
        Assert.Contains("StorageConnectionString", error.Message);
    }
}
