using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Tests.Events;

public sealed class EventObjectParserTests
{
    [Fact]
    public void Parse_ADecodedEventGraph_ShouldReadLikeItsJson()
    {
        var graph = new Dictionary<string, object?>
        {
            ["id"] = "1",
            ["eventType"] = "Microsoft.Resources.ResourceWriteSuccess",
            ["eventTime"] = new DateTime(2026, 11, 25, 8, 0, 0, DateTimeKind.Utc),
            ["data"] = new Dictionary<string, object?>
            {
                ["operationName"] = "Microsoft.Compute/virtualMachines/write",
                ["resourceUri"] = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
                ["authorization"] = new Dictionary<string, object?> { ["evidence"] = new List<object?>() },
            },
        };

        var vmEvent = Assert.Single(EventObjectParser.Parse(graph).Events);

        Assert.Equal("vm1", vmEvent.VmName);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), vmEvent.EventTime);
    }

    [Fact]
    public void Parse_AGraphThatIsNotAnEvent_ShouldBeMalformed() =>
        Assert.Equal("Malformed:UnknownSchema", Assert.Single(EventObjectParser.Parse(new Dictionary<string, object?> { ["x"] = 1 }).Failures).Reason);
}
