using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Api;

/// <summary>What the API reads and does, behind one seam: the engine's managers (<c>Hosting.EngineApiBackend</c>) or a test's fake.</summary>
public interface IApiBackend
{
    /// <summary>The four queues against the thresholds.</summary>
    Task<IReadOnlyList<QueueStatus>> QueueStatusAsync(QueueHealthThresholds thresholds, CancellationToken cancellationToken);

    /// <summary>The onboarding records, of one state or all.</summary>
    Task<IReadOnlyList<OnboardingState>> RecordsAsync(OnboardingStatus? state, CancellationToken cancellationToken);

    /// <summary>One VM's record, or null.</summary>
    Task<OnboardingState?> RecordAsync(VmResourceId vm, CancellationToken cancellationToken);

    /// <summary>One VM's trail, oldest first.</summary>
    Task<IReadOnlyList<VmEventTrailEntry>> TrailAsync(VmResourceId vm, CancellationToken cancellationToken);

    /// <summary>A runbook job with its output and errors, or null when no Automation account is configured.</summary>
    Task<VmRunbookJob?> JobAsync(Guid jobId, CancellationToken cancellationToken);

    /// <summary>The messages at the front of the poison queue (32 at most), and about how many it holds.</summary>
    Task<(IReadOnlyList<VmEventMessage> Messages, int ApproximateCount)> PoisonAsync(CancellationToken cancellationToken);

    /// <summary>Moves the poison messages of these ids back: to the main queue, or with <paramref name="force"/> onboarded now with -Force.</summary>
    Task<IReadOnlyList<RequeueResult>> RequeueAsync(IReadOnlyList<string> messageIds, bool force, CancellationToken cancellationToken);

    /// <summary>Every VM in scope and why it is or is not onboarded (Get-VmOnboardingCompliance), and the listings that did not reach their end.</summary>
    Task<(IReadOnlyList<VmComplianceRecord> Records, IReadOnlyList<VmScopeListing> Incomplete)> ComplianceAsync(CancellationToken cancellationToken);

    /// <summary>The compliance counts by scope and status (Get-VmOnboardingCompliance -Summary).</summary>
    Task<(IReadOnlyList<VmComplianceSummary> Rows, IReadOnlyList<VmScopeListing> Incomplete)> ComplianceSummaryAsync(CancellationToken cancellationToken);

    /// <summary>Onboards one VM now (as Invoke-VmEventWorkflow -VmResourceId).</summary>
    Task<VmEventResult> OnboardAsync(VmResourceId vm, bool force, CancellationToken cancellationToken);
}
