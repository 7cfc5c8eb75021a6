using System.Text;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Events;

public sealed class EventParserTests
{
    public static TheoryData<string> EventSamples => new(Samples.EventFiles);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Theory]
    [MemberData(nameof(EventSamples))]
    public void Parse_EverySampleEvent_ShouldGiveEventsAndNoFailure(string file)
    {
        var result = EventParser.Parse(Samples.Read(file));

        Assert.Empty(result.Failures);
        Assert.NotEmpty(result.Events);
        Assert.All(result.Events, e =>
        {
            Assert.False(string.IsNullOrEmpty(e.EventId));
            Assert.StartsWith("Microsoft.Resources.Resource", e.EventType);
            Assert.Equal(file.StartsWith("cloudevent", StringComparison.Ordinal) ? EventSchema.CloudEvent : EventSchema.EventGrid, e.Schema);
            Assert.NotNull(e.EventTime);
            Assert.False(string.IsNullOrEmpty(e.OperationName));
        });
    }

    [Theory]
    [MemberData(nameof(EventSamples))]
    public void Parse_Base64AndRaw_ShouldGiveIdenticalEvents(string file)
    {
        var raw = Samples.Read(file);

        var fromRaw = EventParser.Parse(raw).Events;
        var fromBase64 = EventParser.Parse(Base64(raw)).Events;

        Assert.Equal(fromRaw, fromBase64);
    }

    [Fact]
    public void Parse_TheVmCreateSample_ShouldReadEveryProperty()
    {
        var vmEvent = Assert.Single(EventParser.Parse(Samples.VmWriteEvent()).Events);

        Assert.Equal("0605b293-e06e-48ac-a16d-9322fe8e24dd", vmEvent.EventId);
        Assert.Equal("Microsoft.Resources.ResourceWriteSuccess", vmEvent.EventType);
        Assert.Equal(EventSchema.EventGrid, vmEvent.Schema);
        Assert.Equal(new DateTimeOffset(2018, 8, 5, 14, 48, 32, 945, TimeSpan.Zero), vmEvent.EventTime);
        Assert.Equal("Microsoft.Compute/virtualMachines/write", vmEvent.OperationName);
        Assert.Equal("Succeeded", vmEvent.Status);
        // The event says "resourcegroups"; the normalised ID says "resourceGroups".
        Assert.Equal("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/resource-group/providers/Microsoft.Compute/virtualMachines/vmName", vmEvent.VmResourceId);
        Assert.Equal("11111111-2222-3333-4444-555555555555", vmEvent.SubscriptionId);
        Assert.Equal("resource-group", vmEvent.ResourceGroupName);
        Assert.Equal("vmName", vmEvent.VmName);
        Assert.Equal("8a2da39d-ef93-42dd-8ce6-97ac802ecc6d", vmEvent.CorrelationId);
        Assert.Equal("/subscriptions/11111111-2222-3333-4444-555555555555", vmEvent.Topic);
        Assert.Null(vmEvent.Caller); // claims are {}
    }

    [Fact]
    public void Parse_ASingleEvent_ShouldKeepItsJsonVerbatim()
    {
        var text = Samples.VmWriteEvent().Trim();

        Assert.Equal(text, EventParser.Parse(text).Events[0].Raw);
    }

    [Fact]
    public void Parse_TheCloudEventSample_ShouldReadSourceAsTopicAndTheCallerFromClaims()
    {
        var vmEvent = Assert.Single(EventParser.Parse(Samples.Read("cloudevent-resourcewritesuccess-storage-docs.json")).Events);

        Assert.Equal(EventSchema.CloudEvent, vmEvent.Schema);
        Assert.Equal("/subscriptions/{subscription-id}/resourceGroups/{resource-group}", vmEvent.Topic);
        Assert.Equal("{user-name}", vmEvent.Caller);
        Assert.Null(vmEvent.VmResourceId);
    }

    [Fact]
    public void Parse_FieldsAsJsonEncodedStrings_ShouldReadThemLikeObjects()
    {
        var vmEvent = Assert.Single(EventParser.Parse(Samples.Read("eventgrid-resourcedeletesuccess-sdktest-stringfields.json")).Events);

        Assert.Equal("Microsoft.EventGrid/eventSubscriptions/write", vmEvent.OperationName);
        Assert.Null(vmEvent.Caller); // claimKey1/claimKey2 name no caller
    }

    [Fact]
    public void Parse_OperationMissingButAuthorizationActionPresent_ShouldUseTheAction()
    {
        var text = Samples.VmWriteEvent().Replace("\"operationName\": \"Microsoft.Compute/virtualMachines/write\",", string.Empty, StringComparison.Ordinal);

        Assert.Equal("Microsoft.Compute/virtualMachines/write", EventParser.Parse(text).Events[0].OperationName);
    }

    [Fact]
    public void Parse_AnArrayOfThreeEvents_ShouldGiveThree()
    {
        var one = Samples.VmWriteEvent();

        var result = EventParser.Parse($"[{one},{one.Replace("vmName", "vm2", StringComparison.Ordinal)},{one}]");

        Assert.Equal(3, result.Events.Count);
        Assert.Equal("vm2", result.Events[1].VmName);
        Assert.Empty(result.Failures);
    }

    [Fact]
    public void Parse_ABatchWithOneBadElement_ShouldGiveTheGoodOnesAndNameTheBadIndex()
    {
        var one = Samples.VmWriteEvent();

        var result = EventParser.Parse($"[{one}, 42, {{\"eventType\":\"x\"}}]");

        Assert.Single(result.Events);
        Assert.Equal([new EventParseFailure(1, "Malformed:NotAnObject"), new EventParseFailure(2, "Malformed:MissingField:id")], result.Failures);
        Assert.False(result.IsMalformed);
    }

    [Theory]
    [InlineData(null, "Malformed:NotJson")]
    [InlineData("", "Malformed:NotJson")]
    [InlineData("hello world", "Malformed:NotJson")]
    [InlineData("aGVsbG8gd29ybGQ=", "Malformed:NotJson")] // base64 of "hello world"
    [InlineData("{\"id\":", "Malformed:InvalidJson")]
    [InlineData("[]", "Malformed:EmptyBatch")]
    [InlineData("{\"id\":\"1\",\"data\":{}}", "Malformed:UnknownSchema")]
    [InlineData("{\"id\":\"1\",\"eventType\":\"t\"}", "Malformed:MissingField:data")]
    [InlineData("{\"id\":\"1\",\"eventType\":\"t\",\"data\":42}", "Malformed:MissingField:data")]
    [InlineData("{\"eventType\":\"t\",\"data\":{}}", "Malformed:MissingField:id")]
    [InlineData("{\"specversion\":\"0.3\",\"id\":\"1\",\"type\":\"t\",\"source\":\"s\",\"data\":{}}", "Malformed:UnsupportedSpecVersion")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"t\",\"data\":{}}", "Malformed:MissingField:source")]
    public void Parse_Unreadable_ShouldSayWhyAsAMalformedReason(string? body, string reason)
    {
        var result = EventParser.Parse(body);

        Assert.True(result.IsMalformed);
        Assert.Equal(reason, Assert.Single(result.Failures).Reason);
    }

    [Fact]
    public void Parse_DeeplyNestedJson_ShouldBeMalformedNotAnException()
    {
        var deep = new string('[', 200) + new string(']', 200);

        Assert.Equal("Malformed:InvalidJson", Assert.Single(EventParser.Parse(deep).Failures).Reason);
    }
}
