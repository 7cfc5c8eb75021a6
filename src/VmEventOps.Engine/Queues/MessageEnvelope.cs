using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// What the retry, succeeded and poison queues hold: a one-line JSON header (attempt, first seen,
/// reason, capped history, result), a newline, then the original message body verbatim. The original
/// is never escaped or re-encoded, so it comes back byte for byte and costs no more than itself;
/// history is trimmed oldest-first to fit the 64 KiB queue limit, the original never.
/// </summary>
public sealed record MessageEnvelope
{
    /// <summary>The header's marker and format version.</summary>
    public const string Format = "VmEventOps/1";

    /// <summary>The largest queue message, in UTF-8 bytes.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>History entries kept at most; older ones are dropped first.</summary>
    public const int MaxHistory = 50;

    /// <summary>Characters kept of one error text.</summary>
    public const int MaxErrorLength = 1024;

    private const string HeaderStart = "{\"envelope\":\"" + Format + "\"";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Attempts made so far.</summary>
    public int Attempt { get; init; }

    /// <summary>When the module first saw the event.</summary>
    public DateTimeOffset FirstSeen { get; init; }

    /// <summary>Why the message is where it is (the outcome's reason).</summary>
    public string? Reason { get; init; }

    /// <summary>What happened at each attempt, oldest first.</summary>
    public IReadOnlyList<EnvelopeHistoryEntry> History { get; init; } = [];

    /// <summary>The W3C trace context (traceparent) of the latest attempt: the next attempt continues its trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>A result document (JSON text), for the succeeded queue.</summary>
    public string? Result { get; init; }

    /// <summary>The original message body, verbatim.</summary>
    public required string Original { get; init; }

    /// <summary>This envelope with one more history entry (error text capped, entries capped).</summary>
    public MessageEnvelope WithHistory(DateTimeOffset time, string stage, string? error)
    {
        var entry = new EnvelopeHistoryEntry(time, stage, error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error);
        return this with { History = History.Append(entry).TakeLast(MaxHistory).ToArray() };
    }

    /// <summary>
    /// The message text: header line and original. Drops history oldest-first until it fits in
    /// <see cref="MaxMessageBytes"/>; an original too large to wrap at all fails with
    /// <see cref="ErrorIds.MessageTooLarge"/> (the caller sends it to poison as it is).
    /// </summary>
    public string Serialize()
    {
        var originalBytes = Encoding.UTF8.GetByteCount(Original);
        var history = History;
        while (true)
        {
            var header = JsonSerializer.Serialize(new Header(Format, Attempt, FirstSeen, Reason, history, Result is null ? null : JsonDocument.Parse(Result).RootElement, TraceParent), Json);
            if (Encoding.UTF8.GetByteCount(header) + 1 + originalBytes <= MaxMessageBytes) return header + "\n" + Original;
            if (history.Count == 0)
            {
                throw new VmEventOpsException(
                    ErrorIds.MessageTooLarge,
                    VmErrorCategory.LimitsExceeded,
                    $"The message ({originalBytes} bytes) is too large to wrap in an envelope within the {MaxMessageBytes}-byte queue limit.");
            }

            history = history.Skip(Math.Max(1, history.Count / 4)).ToArray();
        }
    }

    /// <summary>Reads a message body written by <see cref="Serialize"/> (plain or base64); false for anything else.</summary>
    public static bool TryParse(string? body, out MessageEnvelope? envelope)
    {
        envelope = null;
        if (body is null) return false;
        var text = body.StartsWith(HeaderStart, StringComparison.Ordinal) ? body : EventParser.Decode(body);
        if (text is null || !text.StartsWith(HeaderStart, StringComparison.Ordinal)) return false;
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0) return false;
        try
        {
            var header = JsonSerializer.Deserialize<Header>(text.AsSpan(0, newline), Json);
            if (header is null) return false;
            envelope = new MessageEnvelope
            {
                Attempt = header.Attempt,
                FirstSeen = header.FirstSeen,
                Reason = header.Reason,
                History = header.History ?? [],
                Result = header.Result?.GetRawText(),
                TraceParent = header.TraceParent,
                Original = text[(newline + 1)..],
            };
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed record Header(
        string Envelope,
        int Attempt,
        DateTimeOffset FirstSeen,
        string? Reason,
        IReadOnlyList<EnvelopeHistoryEntry>? History,
        JsonElement? Result,
        string? TraceParent);
}

/// <summary>One step of an event's history: when, at which stage, and the error if it failed.</summary>
public sealed record EnvelopeHistoryEntry(DateTimeOffset Time, string Stage, string? Error);
