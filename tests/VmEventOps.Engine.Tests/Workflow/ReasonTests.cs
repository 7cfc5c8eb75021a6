using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Workflow;

public sealed class ReasonTests
{
    [Theory]
    [InlineData("OutOfScope", "OutOfScope", null)]
    [InlineData("Malformed:NotJson", "Malformed", "NotJson")]
    [InlineData("Malformed:Bad: a:b", "Malformed", "Bad: a:b")]
    [InlineData(":x", ":x", null)]
    public void OfReject_ShouldSplitTheCodeFromItsDetail_AndRenderAsBefore(string reject, string code, string? detail)
    {
        var reason = Reason.OfReject(reject);

        Assert.Equal((code, detail), (reason.Code, reason.Detail));
        Assert.Equal(reject, reason.Render());
    }

    [Fact]
    public void Error_ShouldRenderStepCodeAndDetail() =>
        Assert.Equal("DatabaseCheck: VmDbCheckFailed: no listener", Reason.Error("DatabaseCheck", "VmDbCheckFailed", "no listener").Render());

    [Fact]
    public void ReasonCodes_ShouldBeDistinctIdentifiers()
    {
        Assert.Equal(ReasonCodes.All.Count, ReasonCodes.All.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ReasonCodes.All, code => Assert.Matches("^[A-Za-z]+$", code));
    }
}
