using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace VmEventOps.Engine.Events;

/// <summary>
/// Reads queue message bodies as Event Grid or CloudEvents 1.0 events: raw or base64 JSON, one
/// event or a batch. Lenient where real payloads vary (objects or JSON-encoded strings for
/// authorization, claims and httpRequest), strict about what identifies an event. Never throws on
/// input: anything unreadable comes back as a <c>Malformed:&lt;detail&gt;</c> failure.
/// </summary>
public static class EventParser
{
    private const int MaxDepth = 64;

    // Longest texts kept of an event's fields (Event Grid's own are far shorter: ids are GUIDs, topics ARM IDs).
    private const int MaxIdLength = 256;
    private const int MaxNameLength = 256;
    private const int MaxTextLength = 2048;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    private static readonly string[] CallerClaims =
    [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "upn", "unique_name",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "name", "appid",
    ];

    /// <summary>Parses one message body.</summary>
    public static EventParseResult Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return Failed(null, "NotJson");
        // A byte order mark (a file saved by an editor, a tool that writes one) is not part of the JSON.
        var text = WithoutBom(body.AsMemory());
        var trimmed = text.Span;
        if (trimmed.IsEmpty) return Failed(null, "NotJson");
        if (trimmed[0] is '{' or '[') return Parse(text);

        // Base64, as Event Grid writes: decoded into a pooled buffer and parsed as UTF-8 there, without a string copy of
        // the JSON (every event takes this path, so it is the hot one).
        var buffer = ArrayPool<byte>.Shared.Rent(trimmed.Length * 3 / 4 + 3);
        try
        {
            return TryDecodeBase64Json(trimmed.TrimEnd(), buffer, out var json) ? Parse(json) : Failed(null, "NotJson");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    // Leading white space and a byte order mark go; what follows is the body as it was (JSON allows trailing white space).
    private static ReadOnlyMemory<char> WithoutBom(ReadOnlyMemory<char> text) => text.TrimStart().TrimStart('\uFEFF').TrimStart();

    /// <summary>Base64 of UTF-8 JSON decoded into <paramref name="buffer"/>: the JSON's bytes (after a BOM), or false.</summary>
    private static bool TryDecodeBase64Json(ReadOnlySpan<char> base64, byte[] buffer, out ReadOnlyMemory<byte> json)
    {
        json = default;
        if (!Convert.TryFromBase64Chars(base64, buffer, out var written)) return false;
        var bytes = buffer.AsSpan(0, written);
        if (!Utf8.IsValid(bytes)) return false;
        var offset = bytes.StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        var start = bytes[offset..].IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0 || bytes[offset + start] is not ((byte)'{' or (byte)'[')) return false;
        json = buffer.AsMemory(offset, written - offset);
        return true;
    }

    private static EventParseResult Parse(ReadOnlyMemory<char> json) => Parse(json, static text => JsonDocument.Parse(text, Options));

    private static EventParseResult Parse(ReadOnlyMemory<byte> json) => Parse(json, static utf8 => JsonDocument.Parse(utf8, Options));

    private static EventParseResult Parse<T>(T json, Func<T, JsonDocument> open)
    {
        JsonDocument document;
        try
        {
            document = open(json);
        }
        catch (JsonException)
        {
            return Failed(null, "InvalidJson");
        }

        // Everything is copied out of the document (strings) before it is disposed and the caller returns its buffer.
        using (document) return Read(document);
    }

    private static EventParseResult Read(JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object) return FromElements([root]);
        if (root.ValueKind != JsonValueKind.Array) return Failed(null, "NotAnObject");
        var items = root.EnumerateArray().ToArray();
        return items.Length == 0 ? Failed(null, "EmptyBatch") : FromElements(items);
    }

    /// <summary>The JSON text of a body: as is when it is JSON, decoded when it is base64 of JSON, else null.</summary>
    public static string? Decode(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        var text = WithoutBom(body.AsMemory());
        var trimmed = text.Span;
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[') return text.Length == body.Length ? body : text.ToString();

        var buffer = ArrayPool<byte>.Shared.Rent(trimmed.Length * 3 / 4 + 3);
        try
        {
            return TryDecodeBase64Json(trimmed.TrimEnd(), buffer, out var json) ? Encoding.UTF8.GetString(json.Span) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static EventParseResult FromElements(IReadOnlyList<JsonElement> elements)
    {
        var events = new List<VmEvent>();
        var failures = new List<EventParseFailure>();
        for (var i = 0; i < elements.Count; i++)
        {
            int? index = elements.Count == 1 ? null : i;
            var (vmEvent, problem) = ReadEvent(elements[i]);
            if (vmEvent is not null) events.Add(vmEvent);
            else failures.Add(new EventParseFailure(index, RejectReasons.Malformed(problem!)));
        }

        return new EventParseResult(events, failures);
    }

    private static EventParseResult Failed(int? index, string detail) =>
        new([], [new EventParseFailure(index, RejectReasons.Malformed(detail))]);

    private static (VmEvent? Event, string? Problem) ReadEvent(JsonElement element)
    {
        try
        {
            return ReadFields(element);
        }
        catch (InvalidOperationException)
        {
            // A string the event names holds a lone surrogate escape ("\ud800"): valid JSON, but no text. Nothing Azure
            // writes looks like that, so the event is not read (its message goes to poison with this reason).
            return (null, "InvalidUnicode");
        }
    }

    private static (VmEvent? Event, string? Problem) ReadFields(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return (null, "NotAnObject");
        EventSchema schema;
        string? id, type, time, topic;
        if (element.TryGetProperty("specversion", out var specVersion))
        {
            if (specVersion.ValueKind != JsonValueKind.String || specVersion.GetString() != "1.0") return (null, "UnsupportedSpecVersion");
            schema = EventSchema.CloudEvent;
            (id, type, time, topic) = (Text(element, "id"), Text(element, "type"), Text(element, "time"), Text(element, "source"));
            if (topic is null) return (null, "MissingField:source");
        }
        else if (element.TryGetProperty("eventType", out _))
        {
            schema = EventSchema.EventGrid;
            (id, type, time, topic) = (Text(element, "id"), Text(element, "eventType"), Text(element, "eventTime"), Text(element, "topic"));
        }
        else
        {
            return (null, "UnknownSchema");
        }

        if (string.IsNullOrWhiteSpace(id)) return (null, "MissingField:id");
        if (string.IsNullOrWhiteSpace(type)) return (null, schema == EventSchema.CloudEvent ? "MissingField:type" : "MissingField:eventType");
        var data = ObjectOrEncoded(element, "data");
        if (data is null) return (null, "MissingField:data");

        var subject = Text(element, "subject");
        var resourceUri = Text(data.Value, "resourceUri") ?? subject;
        // Not a VM id: vmId stays null, and the filter rejects the event with its reason.
        _ = VmResourceId.TryParse(resourceUri, out var vmId);
        // Every text is the writer's choice: kept bounded and free of line breaks, identifiers only when they are one.
        return (new VmEvent
        {
            EventId = InputText.Clean(id, MaxIdLength),
            EventType = InputText.Clean(type, MaxNameLength),
            Schema = schema,
            EventTime = DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            Subject = InputText.Clean(subject, MaxTextLength),
            Topic = InputText.Clean(topic, MaxTextLength),
            OperationName = InputText.Clean(Text(data.Value, "operationName") ?? Text(ObjectOrEncoded(data.Value, "authorization"), "action"), MaxNameLength),
            Status = InputText.Clean(Text(data.Value, "status"), MaxNameLength),
            VmResourceId = vmId?.Value,
            SubscriptionId = vmId?.SubscriptionId.ToString("D") ?? InputText.Identifier(Text(data.Value, "subscriptionId")),
            ResourceGroupName = vmId?.ResourceGroupName,
            VmName = vmId?.Name,
            CorrelationId = InputText.Identifier(Text(data.Value, "correlationId")),
            Caller = InputText.Clean(Caller(ObjectOrEncoded(data.Value, "claims")), MaxNameLength),
            TenantId = InputText.Identifier(Text(data.Value, "tenantId")),
            Raw = element.GetRawText(),
            ParsedVmId = vmId,
        }, null);
    }

    private static string? Caller(JsonElement? claims) =>
        claims is null ? null : CallerClaims.Select(c => Text(claims.Value, c)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string? Text(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // An object, or (older SDK shape) a string holding a JSON object; null for anything else.
    private static JsonElement? ObjectOrEncoded(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Object) return value;
        if (value.ValueKind != JsonValueKind.String) return null;
        try
        {
            using var inner = JsonDocument.Parse(value.GetString()!, Options);
            return inner.RootElement.ValueKind == JsonValueKind.Object ? inner.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
