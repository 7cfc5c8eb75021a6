using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Queues;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// Everything the system knows about one VM's onboarding, in time order: its onboarding record (the end of each attempt,
/// and when a scheduled retry comes due: a retry's message is invisible until then and no queue can show it), the messages
/// about it at the front of each queue (peeked, so nothing changes; a queue shows 32 at most), and its runbook job's status.
/// Reads only; every text shown passes the configuration's redactor.
/// </summary>
public sealed class VmEventTrailReader(OnboardingStateStore states, QueueManager queues, ArmGateway? arm, VmEventOptions options, SecretRedactor redactor, IHostLog log)
{
    /// <summary>The VM's trail, oldest first.</summary>
    public async Task<IReadOnlyList<VmEventTrailEntry>> GetAsync(VmResourceId vm, CancellationToken cancellationToken)
    {
        var stateTask = states.GetAsync(vm, cancellationToken);
        var queued = Enum.GetValues<QueueKind>().Select(kind => PeekAsync(kind, vm, cancellationToken)).ToArray();
        var state = await stateTask.ConfigureAwait(false);
        var entries = new List<VmEventTrailEntry>();
        if (state is not null) entries.AddRange(FromState(vm, state));
        foreach (var messages in await Task.WhenAll(queued).ConfigureAwait(false)) entries.AddRange(messages);
        if (state?.JobId is { } jobId && arm is not null) entries.Add(await ReadJobAsync(vm, jobId, state, cancellationToken).ConfigureAwait(false));
        if (entries.Count == 0) log.Verbose($"Nothing is known about {vm.Name}: no onboarding record, and no message about it at the front of any queue.");
        return entries.OrderBy(e => e.Time).ToArray();
    }

    private IEnumerable<VmEventTrailEntry> FromState(VmResourceId vm, OnboardingState state)
    {
        VmEventTrailEntry Entry(DateTimeOffset time, string status) => new()
        {
            Time = time, VmResourceId = vm.Value, Source = "State", Status = status, TraceId = state.TraceId, JobId = state.JobId,
        };

        if (state.FirstSeen is { } first) yield return Entry(first, "FirstSeen");
        foreach (var attempt in state.History)
        {
            yield return Entry(attempt.Time, attempt.Outcome) with
            {
                Attempt = attempt.Attempt,
                Reason = redactor.Redact(attempt.Reason),
                Checks = attempt.Checks?.Select(c => c with { Reason = c.Reason is null ? null : redactor.Redact(c.Reason) }).ToArray() ?? [],
            };
        }

        // A record written before records kept their history: its latest state is all there is.
        if (state.History.Count == 0 && state.UpdatedOn is { } updated)
        {
            yield return Entry(updated, state.State.ToString()) with { Attempt = state.Attempts, Reason = redactor.Redact(state.LastError) };
        }

        // Set only while a retry is scheduled: every other write of the record clears it.
        if (state.NextAttemptOn is { } due)
        {
            yield return Entry(due, "RetryDue") with { Source = "RetryQueue", Attempt = state.Attempts + 1, Reason = "Scheduled: its message is invisible until then" };
        }
    }

    private async Task<IReadOnlyList<VmEventTrailEntry>> PeekAsync(QueueKind kind, VmResourceId vm, CancellationToken cancellationToken)
    {
        var peeked = await queues.PeekAsync(kind, QueueManager.MaxBatch, null, cancellationToken).ConfigureAwait(false);
        if (peeked.Count == QueueManager.MaxBatch && await queues.CountAsync(kind, cancellationToken).ConfigureAwait(false) is var count and > QueueManager.MaxBatch)
        {
            log.Warning($"Queue {queues.NameOf(kind)} holds about {count} messages; only the first {QueueManager.MaxBatch} could be looked at for {vm.Name} (Azure Queue Storage peeks no further). The onboarding record above is complete.");
        }

        return peeked.Where(m => m.Event?.ParsedVmId == vm)
            .Select(m => new VmEventTrailEntry
            {
                // The envelope's last entry is when the message was routed, to the millisecond; the queue keeps whole seconds.
                Time = m.History.Count > 0 ? m.History[^1].Time : m.InsertedOn ?? DateTimeOffset.UtcNow,
                VmResourceId = vm.Value,
                Source = kind + "Queue",
                Status = kind switch
                {
                    QueueKind.Main => "Waiting",
                    QueueKind.Retry => "WaitingForRetry",
                    QueueKind.Succeeded => "Succeeded",
                    _ => "DeadLettered",
                },
                Attempt = m.Attempt,
                Reason = redactor.Redact(m.Reason ?? m.LastError),
                MessageId = m.MessageId,
                DequeueCount = m.DequeueCount,
                TraceId = ActivityTraceId(m.TraceParent),
                History = m.History.Select(h => h with { Error = h.Error is null ? null : redactor.Redact(h.Error) }).ToArray(),
            }).ToArray();
    }

    private async Task<VmEventTrailEntry> ReadJobAsync(VmResourceId vm, Guid jobId, OnboardingState state, CancellationToken cancellationToken)
    {
        var entry = new VmEventTrailEntry { Time = state.UpdatedOn ?? DateTimeOffset.UtcNow, VmResourceId = vm.Value, Source = "RunbookJob", Status = "Unknown", JobId = jobId, TraceId = state.TraceId };
        try
        {
            var job = await arm!.GetRunbookJobAsync(options.Automation.AutomationAccountId!, jobId, includeStreams: false, cancellationToken).ConfigureAwait(false);
            return entry with { Time = job.EndTime ?? job.StartTime ?? entry.Time, Status = job.Status, Reason = job.Exception is null ? null : redactor.Redact(job.Exception) };
        }
        catch (VmEventOpsException e)
        {
            // The trail still answers from what it has; the job's status is what could not be read, and why.
            log.Warning($"The runbook job {jobId} of {vm.Name} could not be read: {redactor.Redact(e.Message)}");
            return entry with { Reason = $"{e.ErrorId}: {redactor.Redact(e.Message)}" };
        }
    }

    private static string? ActivityTraceId(string? traceParent) =>
        System.Diagnostics.ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;
}
