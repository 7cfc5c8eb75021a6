using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Events;

/// <summary>What one queue message held: the events read from it, and what could not be read.</summary>
public sealed record EventParseResult(IReadOnlyList<VmEvent> Events, IReadOnlyList<EventParseFailure> Failures)
{
    /// <summary>True when nothing in the message could be read as an event.</summary>
    public bool IsMalformed => Events.Count == 0;
}

/// <summary>
/// A part of a message that is not an event. <see cref="Index"/> is the position in a batch, or null
/// when the whole message failed; <see cref="Reason"/> is <c>Malformed:&lt;detail&gt;</c>.
/// </summary>
public sealed record EventParseFailure(int? Index, string Reason);
