using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Reconcile;

/// <summary>
/// Reads an Event Grid dead-letter blob: a JSON array of events, each the event as published (Event Grid schema or
/// CloudEvents) with the dead-letter properties beside its own (deadLetterReason, deliveryAttempts, lastDeliveryOutcome,
/// lastHttpStatusCode, publishTime, lastDeliveryAttemptTime; all lower case in CloudEvents). Pure: no I/O.
/// </summary>
public static class DeadLetterParser
{
    /// <summary>The most bytes of one blob read (Event Grid events are at most 1 MB each; a blob holds one or a few).</summary>
    public const int MaxBlobBytes = 16 * 1024 * 1024;

    private static readonly string[] DeadLetterProperties =
        ["deadLetterReason", "deliveryAttempts", "lastDeliveryOutcome", "lastHttpStatusCode", "publishTime", "lastDeliveryAttemptTime", "deliveryResult"];

    /// <summary>The events of a blob, or why it cannot be read (null events).</summary>
    public static (IReadOnlyList<VmEventDeadLetter>? Events, string? Problem) Parse(string container, string blobName, string text, IReadOnlySet<int> replayed, bool allReplayed)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            return (null, $"not JSON ({e.Message})");
        }

        // Event Grid writes an array; a single object is taken as an array of one.
        var items = root switch
        {
            JsonArray array => array.ToArray(),
            JsonObject single => [single],
            _ => null,
        };
        if (items is null || items.Length == 0) return (null, "not a JSON array of events");
        if (items.Any(i => i is not JsonObject)) return (null, "an item of the array is not an event object");

        var events = new List<VmEventDeadLetter>(items.Length);
        for (var index = 0; index < items.Length; index++)
        {
            var item = (JsonObject)items[index]!;
            var subject = Text(item, "subject");
            var vm = VmResourceId.TryParse(subject, out var id) ? id : null;
            if (vm is null && item["data"] is JsonObject data && VmResourceId.TryParse(Text(data, "resourceUri"), out var fromData)) vm = fromData;
            var body = new JsonObject();
            foreach (var (name, value) in item)
            {
                if (DeadLetterProperties.Any(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase))) continue;
                body[name] = value?.DeepClone();
            }

            events.Add(new VmEventDeadLetter
            {
                ContainerName = container,
                BlobName = blobName,
                Index = index,
                EventCount = items.Length,
                EventId = Text(item, "id"),
                EventType = Text(item, "eventType") ?? Text(item, "type"),
                Subject = subject,
                VmResourceId = vm?.Value,
                VmName = vm?.Name,
                DeadLetterReason = Text(item, "deadLetterReason"),
                DeliveryAttempts = Number(item, "deliveryAttempts"),
                LastDeliveryOutcome = Text(item, "lastDeliveryOutcome"),
                LastHttpStatusCode = Number(item, "lastHttpStatusCode"),
                PublishTime = Date(item, "publishTime"),
                LastDeliveryAttemptTime = Date(item, "lastDeliveryAttemptTime"),
                Replayed = allReplayed || replayed.Contains(index),
                Body = body.ToJsonString(),
            });
        }

        return (events, null);
    }

    // Event Grid schema in camelCase, CloudEvents in lower case: either.
    private static JsonNode? Get(JsonObject item, string name) =>
        item.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? Text(JsonObject item, string name) =>
        Get(item, name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? Number(JsonObject item, string name) => Get(item, name) switch
    {
        JsonValue value when value.TryGetValue<int>(out var number) => number,
        JsonValue value when value.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static DateTimeOffset? Date(JsonObject item, string name) =>
        Text(item, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
