using VmEventOps.Engine.Api;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Api;

/// <summary>The API's backend as data: what it holds and what was asked of it.</summary>
internal sealed class FakeApiBackend : IApiBackend
{
    public List<QueueStatus> Queues { get; } =
    [
        new() { Queue = QueueKind.Main, Name = "vm-events", Exists = true, ApproximateCount = 2, OldestMessageAge = TimeSpan.FromSeconds(90), Healthy = true, Reason = "ok" },
        new() { Queue = QueueKind.Retry, Name = "vm-events-retry", Exists = true, ApproximateCount = 0, Healthy = true, Reason = "ok" },
        new() { Queue = QueueKind.Succeeded, Name = "vm-events-succeeded", Exists = true, ApproximateCount = 5, Healthy = true, Reason = "ok" },
        new() { Queue = QueueKind.Poison, Name = "vm-events-poison", Exists = true, ApproximateCount = 1, Healthy = false, Reason = "1 message in poison" },
    ];

    public List<OnboardingState> Records { get; } = [];

    public List<VmEventMessage> Poison { get; } = [];

    public List<VmComplianceRecord> Compliance { get; } = [];

    public List<VmScopeListing> Incomplete { get; } = [];

    public List<(string Kind, object Argument, bool Force)> Calls { get; } = [];

    public Exception? Failure { get; set; }

    public Exception? JobFailure { get; set; }

    public Task<VmRunbookJob?> JobAsync(Guid jobId, CancellationToken cancellationToken) =>
        JobFailure is { } e ? Task.FromException<VmRunbookJob?>(e) : Task.FromResult<VmRunbookJob?>(new VmRunbookJob
        {
            JobId = jobId, RunbookName = "Onboard-Vm", Status = "Completed", AutomationAccountId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa",
            Output = ["Onboarding vm-01", "<b>done</b>"],
        });

    public Task<IReadOnlyList<QueueStatus>> QueueStatusAsync(QueueHealthThresholds thresholds, CancellationToken cancellationToken) =>
        Failure is { } e ? Task.FromException<IReadOnlyList<QueueStatus>>(e) : Task.FromResult<IReadOnlyList<QueueStatus>>(Queues);

    public Task<IReadOnlyList<OnboardingState>> RecordsAsync(OnboardingStatus? state, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OnboardingState>>(Records.Where(r => state is null || r.State == state).ToArray());

    public Task<OnboardingState?> RecordAsync(VmResourceId vm, CancellationToken cancellationToken) =>
        Task.FromResult(Records.FirstOrDefault(r => string.Equals(r.VmResourceId, vm.Value, StringComparison.OrdinalIgnoreCase)));

    public Task<IReadOnlyList<VmEventTrailEntry>> TrailAsync(VmResourceId vm, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VmEventTrailEntry>>(
        [
            new VmEventTrailEntry { Time = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), VmResourceId = vm.Value, Source = "State", Status = "FirstSeen", TraceId = "0af7651916cd43dd8448eb211c80319c" },
        ]);

    public Task<(IReadOnlyList<VmEventMessage> Messages, int ApproximateCount)> PoisonAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<VmEventMessage>, int)>((Poison, Poison.Count));

    public Task<IReadOnlyList<RequeueResult>> RequeueAsync(IReadOnlyList<string> messageIds, bool force, CancellationToken cancellationToken)
    {
        Calls.Add(("requeue", messageIds, force));
        return Task.FromResult<IReadOnlyList<RequeueResult>>(messageIds.Select(id => new RequeueResult { MessageId = id, Found = Poison.Any(m => m.MessageId == id), NewMessageId = "new-" + id }).ToArray());
    }

    public Task<(IReadOnlyList<VmComplianceRecord> Records, IReadOnlyList<VmScopeListing> Incomplete)> ComplianceAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<VmComplianceRecord>, IReadOnlyList<VmScopeListing>)>((Compliance, Incomplete));

    public Task<(IReadOnlyList<VmComplianceSummary> Rows, IReadOnlyList<VmScopeListing> Incomplete)> ComplianceSummaryAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<VmComplianceSummary>, IReadOnlyList<VmScopeListing>)>((
            Compliance.GroupBy(c => (c.Scope, c.Status)).Select(g => new VmComplianceSummary(g.Key.Scope, g.Key.Status, g.Count())).ToArray(), Incomplete));

    public Task<VmEventResult> OnboardAsync(VmResourceId vm, bool force, CancellationToken cancellationToken)
    {
        Calls.Add(("onboard", vm.Value, force));
        return Task.FromResult(new VmEventResult { Outcome = VmEventOutcome.Succeeded, VmResourceId = vm.Value, VmName = vm.Name, Attempt = 1 });
    }
}
