using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// What the retry, succeeded and poison queues hold: a one-line JSON header (attempt, first seen,
/// reason, capped history, result), a newline, then the original message body verbatim. The original
/// is never escaped or re-encoded, so it comes back byte for byte and costs no more than itself;
/// history is trimmed oldest-first to fit the 64 KiB queue limit, the original never. An original too large to wrap
/// at all is kept in a blob instead (claim check: <see cref="OriginalBlob"/> names it, the text after the header is empty).
/// Anyone who can write to a queue can write a body shaped like this one: what <see cref="TryParse"/> reads is clamped
/// and cleaned (attempt within 0..<see cref="MaxAttemptValue"/>, history capped and free of line breaks, a trace context
/// only when it is a valid W3C traceparent), and the workflow takes the attempt count that decides poison from the
/// onboarding state, not from here.
/// An original a queue message cannot carry (a character XML 1.0 does not allow: see <see cref="QueueText"/>) travels in
/// the header instead, as base64 (<c>originalBase64</c>) of its UTF-8 bytes, or of its UTF-16LE code units when it holds
/// a lone surrogate (<c>originalEncoding</c> "utf-16le"), so it comes back exactly; the text after the header is empty then.
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

    /// <summary>The largest attempt count read from a body (MaxAttempts is at most 100).</summary>
    public const int MaxAttemptValue = 100;

    private const int MaxStageLength = 64;

    /// <summary>The encoding of an original carried as base64 that holds a lone surrogate (no UTF-8 form): its UTF-16LE code units.</summary>
    public const string Utf16Encoding = "utf-16le";

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

    /// <summary>The original message body, verbatim (empty while it is kept in <see cref="OriginalBlob"/>).</summary>
    public required string Original { get; init; }

    /// <summary>
    /// The claim check of an original too large to wrap: the name of the blob that holds it (the lower-case hex SHA-256
    /// of its UTF-8 bytes, so the same original is stored once and a reader can check what it got). Null when inline.
    /// </summary>
    public string? OriginalBlob { get; init; }

    /// <summary>This envelope with one more history entry (texts cleaned and capped, entries capped).</summary>
    public MessageEnvelope WithHistory(DateTimeOffset time, string stage, string? error)
    {
        var entry = new EnvelopeHistoryEntry(time, InputText.Clean(stage, MaxStageLength)!, InputText.Clean(error, MaxErrorLength));
        return this with { History = History.Append(entry).TakeLast(MaxHistory).ToArray() };
    }

    /// <summary>This envelope with its original kept in the blob <paramref name="blobName"/> instead of inline.</summary>
    public MessageEnvelope WithOriginalIn(string blobName) => this with { OriginalBlob = blobName, Original = string.Empty };

    /// <summary>The message text, or null when even without history the original does not fit (see <see cref="Serialize"/>).</summary>
    public string? TrySerialize()
    {
        try
        {
            return Serialize();
        }
        catch (VmEventOpsException e) when (e.ErrorId == ErrorIds.MessageTooLarge)
        {
            return null;
        }
    }

    /// <summary>
    /// The message text: header line and original. Drops history oldest-first until it fits in
    /// <see cref="MaxMessageBytes"/>; an original too large to wrap at all fails with
    /// <see cref="ErrorIds.MessageTooLarge"/> (the caller sends it to poison as it is).
    /// </summary>
    public string Serialize()
    {
        // What the queue cannot carry goes as base64 inside the header (the JSON writer escapes the rest of it to ASCII).
        var (inline, base64, encoding) = QueueText.IsCarriable(Original)
            ? (Original, (string?)null, (string?)null)
            : QueueText.IsWellFormed(Original)
                ? (string.Empty, Convert.ToBase64String(Encoding.UTF8.GetBytes(Original)), (string?)null)
                : (string.Empty, Convert.ToBase64String(Encoding.Unicode.GetBytes(Original)), Utf16Encoding);
        var originalBytes = Encoding.UTF8.GetByteCount(inline);
        var history = History;
        while (true)
        {
            var header = JsonSerializer.Serialize(new Header(Format, Attempt, FirstSeen, InputText.Clean(Reason, MaxErrorLength), history, Result is null ? null : JsonDocument.Parse(Result).RootElement, TraceParent, OriginalBlob, base64, encoding), Json);
            if (Encoding.UTF8.GetByteCount(header) + 1 + originalBytes <= MaxMessageBytes) return header + "\n" + inline;
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

    /// <summary>
    /// Reads a message body shaped as written by <see cref="Serialize"/> (plain or base64); false for anything else. Never
    /// throws: whatever the bytes, a body is an envelope (its fields clamped and cleaned) or not one.
    /// </summary>
    public static bool TryParse(string? body, out MessageEnvelope? envelope)
    {
        envelope = null;
        if (body is null) return false;
        var text = body.StartsWith(HeaderStart, StringComparison.Ordinal) ? body : EventParser.Decode(body);
        if (text is null || !text.StartsWith(HeaderStart, StringComparison.Ordinal)) return false;
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0) return false;
        Header? header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(text.AsSpan(0, newline), Json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
        {
            // Not ours after all (a lone surrogate, a wrong type, a number out of range): read as a plain body.
            return false;
        }

        if (header is null) return false;
        var blob = header.OriginalBlob;
        if (blob is not null && !IsBlobName(blob)) return false;
        string? carried = null;
        if (header.OriginalBase64 is { } base64 && blob is null)
        {
            var bytes = new byte[base64.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(base64, bytes, out var written)) return false;
            carried = header.OriginalEncoding == Utf16Encoding
                ? Encoding.Unicode.GetString(bytes, 0, written - (written % 2))
                : Encoding.UTF8.GetString(bytes, 0, written);
        }

        envelope = new MessageEnvelope
        {
            Attempt = Math.Clamp(header.Attempt, 0, MaxAttemptValue),
            FirstSeen = header.FirstSeen,
            Reason = InputText.Clean(header.Reason, MaxErrorLength),
            History = (header.History ?? []).Where(h => h is not null).TakeLast(MaxHistory)
                .Select(h => new EnvelopeHistoryEntry(h.Time, InputText.Clean(h.Stage ?? string.Empty, MaxStageLength)!, InputText.Clean(h.Error, MaxErrorLength))).ToArray(),
            Result = header.Result?.ValueKind == JsonValueKind.Object ? header.Result.Value.GetRawText() : null,
            TraceParent = ActivityContext.TryParse(header.TraceParent, null, out _) ? header.TraceParent : null,
            Original = blob is null ? carried ?? text[(newline + 1)..] : string.Empty,
            OriginalBlob = blob,
        };
        return true;
    }

    /// <summary>True for a claim-check blob name: 64 lower-case hex digits.</summary>
    public static bool IsBlobName(string name) => name.Length == 64 && name.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private sealed record Header(
        string Envelope,
        int Attempt,
        DateTimeOffset FirstSeen,
        string? Reason,
        IReadOnlyList<EnvelopeHistoryEntry>? History,
        JsonElement? Result,
        string? TraceParent,
        string? OriginalBlob,
        string? OriginalBase64 = null,
        string? OriginalEncoding = null);
}

/// <summary>One step of an event's history: when, at which stage, and the error if it failed.</summary>
public sealed record EnvelopeHistoryEntry(DateTimeOffset Time, string Stage, string? Error);
