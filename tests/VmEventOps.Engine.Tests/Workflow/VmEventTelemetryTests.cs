using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

public sealed class VmEventTelemetryTests
{
    public static TheoryData<Reason?, string> Reasons => new()
    {
        { Reason.Error("DatabaseCheck", "VmDbCheckFailed", "Database check of db.contoso failed at Login: password=hunter2"), "VmDbCheckFailed" },
        { Reason.Error("Runbook", "VmArmThrottled", "too many requests"), "VmArmThrottled" },
        { Reason.OfReject("Malformed:UnknownSchema"), "Malformed" },
        { Reason.WithDetail(ReasonCodes.SplitBatch, "3"), "SplitBatch" },
        { Reason.Onboarded(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero)), "Onboarded" },
        { Reason.Of(ReasonCodes.JobStarted), "JobStarted" },
        { Reason.Of(ReasonCodes.Throttled), "Throttled" },
        { null, "None" },
        { Reason.Of(string.Empty), "None" },
        { Reason.Error("Route", "<script>", "x"), "Other" },
        { Reason.Of(new string('A', 65)), "Other" },
    };

    [Theory]
    [MemberData(nameof(Reasons))]
    public void BoundedCode_ShouldBeTheReasonsCodeWithoutItsDetail(Reason? reason, string expected) =>
        Assert.Equal(expected, VmEventTelemetry.BoundedCode(reason?.Code));
}
