using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Queues;

/// <summary>
/// Turns a stored message body into a <see cref="VmEventMessage"/>: unwraps an envelope, parses the events, applies the
/// filter. Never throws, whatever the bytes: what cannot be read is a message without events and with its reason.
/// </summary>
internal static class MessageReader
{
    public static VmEventMessage Read(VmEventMessage message, string storedBody, EventFilter? filter)
    {
        try
        {
            return ReadEnvelope(message, storedBody, filter);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A body no reader foresaw: kept as it is, with a reason, so it is routed like any malformed message.
            return message with { Body = storedBody, ParseFailures = [RejectReasons.Malformed("Unreadable:" + e.GetType().Name)] };
        }
    }

    /// <summary>The message with <paramref name="original"/> as its body, its events parsed and filtered.</summary>
    public static VmEventMessage WithOriginal(VmEventMessage message, string original, EventFilter? filter)
    {
        var parsed = EventParser.Parse(original);
        var events = filter is null ? parsed.Events : parsed.Events.Select(filter.Apply).ToArray();
        return message with
        {
            Body = original,
            Events = events,
            Event = events.Count > 0 ? events[0] : null,
            ParseFailures = parsed.Failures.Select(f => f.Index is null ? f.Reason : $"{f.Reason} (item {f.Index})").ToArray(),
        };
    }

    private static VmEventMessage ReadEnvelope(VmEventMessage message, string storedBody, EventFilter? filter)
    {
        if (!MessageEnvelope.TryParse(storedBody, out var envelope)) return WithOriginal(message, storedBody, filter);

        // The main queue is anyone's to write (Event Grid's, and whoever holds its role): an envelope found there is
        // unwrapped, but what it claims of earlier attempts (count, history, trace, first seen) is not taken. Only the
        // queues the workflow writes carry them on, and even there the attempt count that decides poison comes from
        // the onboarding state.
        if (message.Queue != QueueKind.Main)
        {
            message = message with
            {
                Attempt = envelope!.Attempt,
                FirstSeen = envelope.FirstSeen,
                Reason = envelope.Reason,
                History = envelope.History,
                TraceParent = envelope.TraceParent,
                LastError = envelope.History.LastOrDefault(h => h.Error is not null)?.Error,
            };
        }

        if (envelope!.OriginalBlob is { } blob)
        {
            // A claim check: the original is read from the large message store by the queue manager.
            return message with { Body = string.Empty, OriginalBlob = blob, Events = [], Event = null, ParseFailures = [] };
        }

        return WithOriginal(message, envelope.Original, filter);
    }
}
