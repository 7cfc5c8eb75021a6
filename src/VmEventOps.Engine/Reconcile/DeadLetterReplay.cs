using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Reconcile;

/// <summary>How replaying one dead-letter blob went.</summary>
public sealed record DeadLetterReplay
{
    /// <summary>The blob.</summary>
    public required string BlobName { get; init; }

    /// <summary>The events sent now, with the id of the message each became.</summary>
    public IReadOnlyList<(VmEventDeadLetter Event, string MessageId)> Sent { get; init; } = [];

    /// <summary>True when the blob was replayed before (by an earlier pass, or another pass holding it just now).</summary>
    public bool Skipped { get; init; }

    /// <summary>Why it was skipped, or why it cannot be read (then <see cref="Unreadable"/>).</summary>
    public string? Reason { get; init; }

    /// <summary>True when the blob is not a JSON array of events: reported, never deleted.</summary>
    public bool Unreadable { get; init; }

    /// <summary>The error of a blob that cannot be read as events (<see cref="Unreadable"/>); null otherwise.</summary>
    public VmEventOpsException? Failure => Unreadable
        ? new(ErrorIds.DeadLetterUnreadable, VmErrorCategory.InvalidData, $"Dead-letter blob {BlobName} cannot be read as events: {Reason}. It is kept.", BlobName)
        : null;

    /// <summary>Why nothing of <paramref name="deadLetter"/> was sent, for a warning; null when it was.</summary>
    public string? NotSent(VmEventDeadLetter deadLetter) => Sent.Count > 0 || Unreadable
        ? null
        : $"Dead-lettered event {deadLetter.EventId} in {BlobName} was not sent: {(Skipped ? Reason : "it was replayed already")}.";
}
