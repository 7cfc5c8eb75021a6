using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Tests.Events;

/// <summary>
/// A validated value ends where its text ends: in .NET a pattern's <c>$</c> also matches before a final line break, so
/// "vm-01\n" would pass a check written "^...$" and carry the line break into a URL, a runbook parameter or a log.
/// </summary>
public sealed class LineEndAnchorTests
{
    private const string Vm = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01";

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Identifier_WithALineBreakAtItsEnd_ShouldBeDropped(string end)
    {
        Assert.Equal("8a2da39d-ef93", InputText.Identifier("8a2da39d-ef93"));
        Assert.Null(InputText.Identifier("8a2da39d-ef93" + end));
    }

    [Fact]
    public void VmResourceId_WithALineBreakAtItsEnd_ShouldNotParse()
    {
        Assert.True(VmResourceId.TryParse(Vm, out _));
        Assert.False(VmResourceId.TryParse(Vm + "\n", out _));
        Assert.False(VmResourceId.TryParse("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app\n", out _));
    }
}
