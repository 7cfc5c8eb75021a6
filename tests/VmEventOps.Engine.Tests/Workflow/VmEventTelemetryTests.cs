using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Engine.Tests.Workflow;

public sealed class VmEventTelemetryTests
{
    [Theory]
    [InlineData("DatabaseCheck: VmDbCheckFailed: Database check of db.contoso failed at Login: password=hunter2", "VmDbCheckFailed")]
    [InlineData("Runbook: VmArmThrottled: too many requests", "VmArmThrottled")]
    [InlineData("Malformed:UnknownSchema", "Malformed")]
    [InlineData("SplitBatch:3", "SplitBatch")]
    [InlineData("Onboarded 2026-11-25 08:00:00Z", "Onboarded")]
    [InlineData("JobStarted", "JobStarted")]
    [InlineData("Throttled", "Throttled")]
    [InlineData(null, "None")]
    [InlineData("", "None")]
    [InlineData("Route: <script>: x", "Other")]
    public void ReasonCode_ShouldBeTheBoundedCodeWithoutItsDetail(string? reason, string expected) =>
        Assert.Equal(expected, VmEventTelemetry.ReasonCode(reason));
}
