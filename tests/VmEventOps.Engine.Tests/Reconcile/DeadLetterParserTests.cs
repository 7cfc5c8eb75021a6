using System.Text.Json;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Reconcile;

/// <summary>Event Grid's dead-letter blobs as the docs show them (tests/samples/azure/deadletter-eventgrid-docs.json).</summary>
public sealed class DeadLetterParserTests
{
    private static readonly HashSet<int> None = [];

    [Fact]
    public void Parse_TheDocumentedBlob_ShouldReadBothSchemasWithTheirDeadLetterProperties()
    {
        var (events, problem) = DeadLetterParser.Parse("eventgrid-deadletter", "SUB/2020/8/13/17/a.json", Samples.Read("deadletter-eventgrid-docs.json"), None, false);

        Assert.Null(problem);
        Assert.Equal(2, events!.Count);
        var grid = events[0];
        Assert.Equal("93902694-901e-008f-6f95-7153a806873c", grid.EventId);
        Assert.Equal("Microsoft.Storage.BlobCreated", grid.EventType);
        Assert.Equal("MaxDeliveryAttemptsExceeded", grid.DeadLetterReason);
        Assert.Equal(1, grid.DeliveryAttempts);
        Assert.Equal("NotFound", grid.LastDeliveryOutcome);
        Assert.Equal(new DateTimeOffset(2020, 8, 13, 17, 18, 14, 46, TimeSpan.Zero).AddTicks(5788), grid.LastDeliveryAttemptTime);
        Assert.Equal((0, 2), (grid.Index, grid.EventCount));
        Assert.Null(grid.VmResourceId);
        var cloud = events[1];
        Assert.Equal("fooEventType", cloud.EventType);
        Assert.Equal("MaxDeliveryAttemptsExceeded", cloud.DeadLetterReason);
        Assert.Equal(1, cloud.DeliveryAttempts);
    }

    [Fact]
    public void Parse_ShouldGiveTheEventAsDeliveredWithoutTheDeadLetterPropertiesInEitherCasing()
    {
        var (events, _) = DeadLetterParser.Parse("c", "b", Samples.Read("deadletter-eventgrid-docs.json"), None, false);

        foreach (var item in events!)
        {
            using var body = JsonDocument.Parse(item.Body);
            var names = body.RootElement.EnumerateObject().Select(p => p.Name.ToLowerInvariant()).ToArray();
            Assert.DoesNotContain("deadletterreason", names);
            Assert.DoesNotContain("deliveryattempts", names);
            Assert.DoesNotContain("lastdeliveryoutcome", names);
            Assert.DoesNotContain("publishtime", names);
            Assert.Contains("data", names);
            Assert.Equal(item.EventId, body.RootElement.GetProperty("id").GetString());
        }
    }

    [Fact]
    public void Parse_AVmEventDeadLettered_ShouldNameTheVm()
    {
        var text = "[" + Samples.VmWriteEvent(vm: "vm-lost").TrimEnd().TrimEnd('}') + ", \"deadLetterReason\": \"TimeToLiveExceeded\", \"deliveryAttempts\": 30, \"lastDeliveryOutcome\": \"TimedOut\", \"lastHttpStatusCode\": 408}]";

        var (events, _) = DeadLetterParser.Parse("c", "b", text, None, false);

        var item = Assert.Single(events!);
        Assert.Equal("vm-lost", item.VmName);
        Assert.EndsWith("/virtualMachines/vm-lost", item.VmResourceId);
        Assert.Equal(408, item.LastHttpStatusCode);
        Assert.Equal(30, item.DeliveryAttempts);
    }

    [Theory]
    [InlineData("not json at all", "not JSON")]
    [InlineData("[]", "not a JSON array of events")]
    [InlineData("42", "not a JSON array of events")]
    [InlineData("[1, 2]", "not an event object")]
    public void Parse_ABlobThatIsNotAnArrayOfEvents_ShouldSayWhy(string text, string expected)
    {
        var (events, problem) = DeadLetterParser.Parse("c", "b", text, None, false);

        Assert.Null(events);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Parse_WithSomeEventsReplayed_ShouldMarkThoseOnly()
    {
        var (events, _) = DeadLetterParser.Parse("c", "b", Samples.Read("deadletter-eventgrid-docs.json"), new HashSet<int> { 1 }, false);

        Assert.Equal([false, true], events!.Select(e => e.Replayed));
    }
}
