using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Queues;

/// <summary>One queue message with what it holds: the event(s), and, for an envelope, attempts and history.</summary>
public sealed record VmEventMessage
{
    /// <summary>The id a message has when a host took it from its queue and did not say which it was.</summary>
    public const string HostMessageId = "(host)";

    /// <summary>The message id (the queue's: it stays the same across redeliveries), or <see cref="HostMessageId"/>.</summary>
    public required string MessageId { get; init; }

    /// <summary>Which queue it is in.</summary>
    public required QueueKind Queue { get; init; }

    /// <summary>That queue's name.</summary>
    public required string QueueName { get; init; }

    /// <summary>When it was put in the queue.</summary>
    public DateTimeOffset? InsertedOn { get; init; }

    /// <summary>When the queue drops it.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>How often it has been received.</summary>
    public long DequeueCount { get; init; }

    /// <summary>When it is visible again (after a lease or a retry delay).</summary>
    public DateTimeOffset? NextVisibleOn { get; init; }

    /// <summary>When the module first saw the event (an envelope's first-seen time; null for a fresh event).</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    /// <summary>Attempts made so far (0 for an event no attempt has touched yet).</summary>
    public int Attempt { get; init; }

    /// <summary>The last error in its history, if any.</summary>
    public string? LastError { get; init; }

    /// <summary>Why it is in this queue (an envelope's reason).</summary>
    public string? Reason { get; init; }

    /// <summary>The first event in it, with the filter's verdict; null when nothing in it is an event.</summary>
    public VmEvent? Event { get; init; }

    /// <summary>Every event in it (Event Grid may batch).</summary>
    public IReadOnlyList<VmEvent> Events { get; init; } = [];

    /// <summary>Why parts of it are not events (<c>Malformed:&lt;detail&gt;</c>).</summary>
    public IReadOnlyList<string> ParseFailures { get; init; } = [];

    /// <summary>The history of an envelope, oldest first.</summary>
    public IReadOnlyList<EnvelopeHistoryEntry> History { get; init; } = [];

    /// <summary>The W3C trace context of the event's latest attempt (from the envelope), when traces were recorded.</summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// The W3C trace context of the host invocation that delivered the message (a Functions trigger's TraceContext): the
    /// parent of a fresh event's trace, and a link from a later attempt's.
    /// </summary>
    public string? HostTraceParent { get; init; }

    /// <summary>The original event message body, verbatim (inside the envelope, if any).</summary>
    public required string Body { get; init; }

    /// <summary>
    /// The claim check of an original too large to wrap: the blob in the large message store that holds it (null when
    /// the original travels inside the message).
    /// </summary>
    public string? OriginalBlob { get; init; }

    /// <summary>The lease on it: set only when the message was received (not peeked).</summary>
    public string? PopReceipt { get; init; }
}
