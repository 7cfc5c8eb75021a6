using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Arm;

/// <summary>The error a job that ended Failed, Stopped or Suspended is reported with.</summary>
public static class RunbookJobFailure
{
    public static VmEventOpsException For(VmRunbookJob job) => new(
        ErrorIds.RunbookJobFailed,
        VmErrorCategory.InvalidResult,
        $"Runbook job {job.JobId} ({job.RunbookName}) ended {job.Status}{(job.Errors.Count > 0 ? ": " + string.Join(" | ", job.Errors) : ".")}",
        job.JobId);
}
