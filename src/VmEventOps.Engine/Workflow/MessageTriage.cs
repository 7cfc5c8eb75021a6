using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>What a message is, before any I/O: not an event (poison at once), a batch to split, an event that is not ours (dropped with its reason), or one to onboard.</summary>
public enum TriageKind
{
    Malformed,
    Batch,
    NotOurs,
    Onboard,
}

/// <summary>The triage of one message: its kind and, for a malformed or rejected one, why.</summary>
public sealed record MessageTriage(TriageKind Kind, Reason? Reason = null)
{
    /// <summary>Triages <paramref name="message"/>, whose first event the filter turned into <paramref name="filtered"/>.</summary>
    public static MessageTriage Of(VmEventMessage message, VmEvent? filtered) => filtered switch
    {
        null => new(TriageKind.Malformed, Errors.Reason.OfReject((message.ParseFailures is [var first, ..] ? first : RejectReasons.Malformed("NoEvent")))),
        // A batch (Event Grid writes one event per message; other producers may not).
        _ when message.Events.Count > 1 || message.ParseFailures.Count > 0 => new(TriageKind.Batch),
        { Accepted: false } => new(TriageKind.NotOurs, Errors.Reason.OfReject(filtered.RejectReason ?? "NotAccepted")),
        _ => new(TriageKind.Onboard),
    };
}
