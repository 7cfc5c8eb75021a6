using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Queues;

/// <summary>Turns a stored message body into a <see cref="VmEventMessage"/>: unwraps an envelope, parses the events, applies the filter.</summary>
internal static class MessageReader
{
    public static VmEventMessage Read(VmEventMessage message, string storedBody, EventFilter? filter)
    {
        var original = storedBody;
        if (MessageEnvelope.TryParse(storedBody, out var envelope))
        {
            original = envelope!.Original;
            message = message with
            {
                Attempt = envelope.Attempt,
                FirstSeen = envelope.FirstSeen,
                Reason = envelope.Reason,
                History = envelope.History,
                TraceParent = envelope.TraceParent,
                LastError = envelope.History.LastOrDefault(h => h.Error is not null)?.Error,
            };
        }

        var parsed = EventParser.Parse(original);
        var events = filter is null ? parsed.Events : parsed.Events.Select(filter.Apply).ToArray();
        return message with
        {
            Body = original,
            Events = events,
            Event = events.FirstOrDefault(),
            ParseFailures = parsed.Failures.Select(f => f.Index is null ? f.Reason : $"{f.Reason} (item {f.Index})").ToArray(),
        };
    }
}
