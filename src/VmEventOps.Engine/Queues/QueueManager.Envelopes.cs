using System.Text;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Queues;

// The envelopes of the workflow's queues: routing one to its destination, the claim check of an original too large to
// wrap (kept in the large message store, read back and verified), and events and re-queues sent as fresh messages.
public sealed partial class QueueManager
{
    /// <summary>
    /// Sends one event's JSON to the main queue: encoded as configured; as plain JSON when the encoding would pass the
    /// queue limit (the reader takes both); in a claim-check envelope when even that does not fit.
    /// </summary>
    public async Task<string> SendEventAsync(string json, CancellationToken cancellationToken)
    {
        var encoded = EncodeForMainQueue(json);
        if (Encoding.UTF8.GetByteCount(encoded) > MessageEnvelope.MaxMessageBytes)
        {
            var text = QueueText.EscapeJson(json);
            encoded = Encoding.UTF8.GetByteCount(text) <= MessageEnvelope.MaxMessageBytes
                ? text
                : await WrapAsync(new MessageEnvelope { FirstSeen = _time.GetUtcNow(), Original = json }, QueueKind.Main, "(batch item)", cancellationToken).ConfigureAwait(false);
        }

        return await SendAsync(QueueKind.Main, encoded, delay: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts a message's original event, as a fresh message, in <paramref name="destination"/> (an admin's re-queue): moved
    /// when received, copied when peeked. An original too large for a queue message goes in a claim-check envelope.
    /// </summary>
    public async Task<string> RequeueAsync(VmEventMessage message, QueueKind destination, CancellationToken cancellationToken)
    {
        var body = message.Body;
        if (message.OriginalBlob is { } blob && body.Length == 0)
        {
            // Its blob could not be read: the pointer travels on, so what there is to find is not lost.
            body = new MessageEnvelope { FirstSeen = _time.GetUtcNow(), Original = string.Empty, OriginalBlob = blob }.Serialize();
        }
        else if (Encoding.UTF8.GetByteCount(body) > MessageEnvelope.MaxMessageBytes || !QueueText.IsCarriable(body))
        {
            // Too large, or holding what a queue message cannot carry: in an envelope (which carries it as base64).
            body = await WrapAsync(new MessageEnvelope { FirstSeen = _time.GetUtcNow(), Original = body }, destination, message.MessageId, cancellationToken).ConfigureAwait(false);
        }

        return message.PopReceipt is null
            ? await SendAsync(destination, body, delay: null, cancellationToken).ConfigureAwait(false)
            : await MoveAsync(message, destination, body, delay: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Routes a message to poison in <paramref name="envelope"/> (a move when received, a send when the host took it).
    /// An original too large to wrap is kept in a blob and the envelope points at it (see <see cref="WrapAsync"/>).
    /// </summary>
    public Task<string> DeadLetterAsync(VmEventMessage message, MessageEnvelope envelope, CancellationToken cancellationToken) =>
        RouteEnvelopeAsync(message, QueueKind.Poison, envelope, delay: null, cancellationToken);

    /// <summary>Puts <paramref name="envelope"/> in <paramref name="destination"/> as <see cref="RouteAsync"/> does, wrapped by <see cref="WrapAsync"/>.</summary>
    public async Task<string> RouteEnvelopeAsync(VmEventMessage message, QueueKind destination, MessageEnvelope envelope, TimeSpan? delay, CancellationToken cancellationToken)
    {
        var body = await WrapAsync(envelope, destination, message.MessageId, cancellationToken).ConfigureAwait(false);
        return await RouteAsync(message, destination, body, delay, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The message text of an envelope. When even without history the original does not fit in a queue message, the
    /// original goes to the large message store (claim check) and the envelope points at it. Without a store (the
    /// settings name no blob endpoint) the original travels as it is, without its header, when it fits, with a warning:
    /// the attempt count and the history are in the onboarding state, so nothing that decides is lost.
    /// </summary>
    public async Task<string> WrapAsync(MessageEnvelope envelope, QueueKind destination, string messageId, CancellationToken cancellationToken)
    {
        if (envelope.TrySerialize() is { } text) return text;
        if (_large.Value is not null)
        {
            var name = await _large.Value.PutAsync(envelope.Original, cancellationToken).ConfigureAwait(false);
            _log.Verbose($"Message {messageId}: its original ({Encoding.UTF8.GetByteCount(envelope.Original)} bytes) is too large to wrap; kept as blob {name} in {_large.Value.ContainerName}.");
            return envelope.WithOriginalIn(name).Serialize();
        }

        if (Encoding.UTF8.GetByteCount(envelope.Original) <= MessageEnvelope.MaxMessageBytes && QueueText.IsCarriable(envelope.Original))
        {
            _log.Warning($"Message {messageId} goes to {NameOf(destination)} as it is, without its envelope (reason {TooLargeReason}): it is too large to wrap, and " +
                $"no blob endpoint is configured to keep it aside (BlobServiceUri, or BlobEndpoint in the connection string). Its reason: {envelope.Reason}");
            return envelope.Original;
        }

        throw new VmEventOpsException(ErrorIds.MessageTooLarge, VmErrorCategory.LimitsExceeded,
            $"Message {messageId} ({Encoding.UTF8.GetByteCount(envelope.Original)} bytes) is larger than a queue message and no blob endpoint is configured to keep it " +
            "(BlobServiceUri, or BlobEndpoint in the connection string).", messageId);
    }

    /// <summary>
    /// A message whose envelope points at a claim-check blob, with its original read from there and its events parsed;
    /// when the blob is gone (or holds something else) it stays a message without events, reason ClaimCheckMissing.
    /// </summary>
    public async Task<VmEventMessage> ResolveAsync(VmEventMessage message, EventFilter? filter, CancellationToken cancellationToken)
    {
        if (message.OriginalBlob is not { } name || message.Events.Count > 0) return message;
        var original = _large.Value is null ? null : await _large.Value.GetAsync(name, cancellationToken).ConfigureAwait(false);
        if (original is null)
        {
            _log.Warning($"Message {message.MessageId} in {message.QueueName} points at blob {name}, which {(_large.Value is null ? "cannot be read: no blob endpoint is configured" : $"is not in {_large.Value.ContainerName} (or does not hold what its name says)")}.");
            return message with { ParseFailures = [ClaimCheckMissingReason] };
        }

        return MessageReader.WithOriginal(message, original, filter) with { OriginalBlob = name };
    }
}
