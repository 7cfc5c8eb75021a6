using Azure.Data.Tables;
using Azure.Storage.Queues;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Queues;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSmokeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Queue_WhenAMessageIsSentReceivedAndDeleted_ShouldRoundTrip()
    {
        var queue = new QueueClient(azurite.ConnectionString, "smoke-" + Guid.NewGuid().ToString("n")[..12]);
        await queue.CreateAsync();

        await queue.SendMessageAsync("""{"hello":"queue"}""");
        var received = (await queue.ReceiveMessagesAsync(maxMessages: 1, visibilityTimeout: TimeSpan.FromSeconds(30))).Value.Single();
        await queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);

        Assert.Equal("""{"hello":"queue"}""", received.Body.ToString());
        Assert.Equal(1, received.DequeueCount);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Table_WhenAnEntityIsUpsertedAndRead_ShouldRoundTripWithItsETag()
    {
        var table = new TableClient(azurite.ConnectionString, "smoke" + Guid.NewGuid().ToString("n")[..12]);
        await table.CreateAsync();

        var written = await table.UpsertEntityAsync(new TableEntity("vm", "row-1") { ["State"] = "Onboarded" });
        var read = (await table.GetEntityAsync<TableEntity>("vm", "row-1")).Value;

        Assert.Equal("Onboarded", read.GetString("State"));
        Assert.Equal(written.Headers.ETag, read.ETag);
    }
}
