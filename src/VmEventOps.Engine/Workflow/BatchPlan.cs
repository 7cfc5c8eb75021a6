using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// How a batch message is split, decided before anything is sent: each event of ours (a VM write in scope; one per VM)
/// becomes a message of its own, so none is lost and each gets its outcome; events not ours are counted, not re-queued.
/// A batch with parts that are not events goes to poison whole, with their reasons, after its events were re-queued. More
/// events of ours than <see cref="MaxEvents"/>: nothing is re-queued, the batch goes to poison.
/// </summary>
public sealed record BatchPlan(IReadOnlyList<VmEvent> ToSend, Reason Summary, Reason? DeadLetter)
{
    /// <summary>Events of one batch message re-queued at most.</summary>
    public const int MaxEvents = 100;

    /// <summary>The plan for a batch whose events the filter turned into <paramref name="filtered"/>, with <paramref name="parseFailures"/> for its other parts.</summary>
    public static BatchPlan Of(IReadOnlyList<VmEvent> filtered, IReadOnlyList<string> parseFailures)
    {
        var ours = filtered.Where(e => e.Accepted).DistinctBy(e => e.ParsedVmId!.Key).ToArray();
        if (ours.Length > MaxEvents)
        {
            var tooLarge = Reason.WithDetail(ReasonCodes.BatchTooLarge, $"{ours.Length} (at most {MaxEvents} events of ours in one message; none re-queued)");
            return new BatchPlan([], tooLarge, tooLarge);
        }

        var notOurs = filtered.Where(e => !e.Accepted).GroupBy(e => e.RejectReason).Select(g => $"{g.Count()} {g.Key}").ToArray();
        var summary = Reason.WithDetail(ReasonCodes.SplitBatch, $"{ours.Length}" + (notOurs.Length == 0 ? string.Empty : $" (not ours: {string.Join(", ", notOurs)})"));
        if (parseFailures.Count == 0) return new BatchPlan(ours, summary, null);
        var failures = string.Join("; ", parseFailures.Take(10)) + (parseFailures.Count > 10 ? $"; {parseFailures.Count - 10} more" : string.Empty);
        return new BatchPlan(ours, summary, Reason.OfReject($"{failures}; {summary.Render()}"));
    }
}
