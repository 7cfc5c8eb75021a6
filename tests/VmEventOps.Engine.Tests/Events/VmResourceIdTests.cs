using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Tests.Events;

public sealed class VmResourceIdTests
{
    private const string Sub = "11111111-2222-3333-4444-555555555555";

    [Theory]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01")]
    [InlineData($"/subscriptions/{Sub}/resourcegroups/rg-app/providers/microsoft.compute/virtualmachines/vm-01")]
    [InlineData($"/SUBSCRIPTIONS/{Sub}/RESOURCEGROUPS/rg-app/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/vm-01")]
    public void TryParse_WithAnyKeywordCasing_ShouldGiveTheCanonicalId(string text)
    {
        Assert.True(VmResourceId.TryParse(text, out var id));
        Assert.Equal($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01", id!.Value);
        Assert.Equal("rg-app", id.ResourceGroupName);
        Assert.Equal("vm-01", id.Name);
    }

    [Theory]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/extensions/ext")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups//providers/Microsoft.Compute/virtualMachines/vm")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss")]
    [InlineData("/subscriptions/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm")]
    [InlineData($"subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm?x=1")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm%2F..")]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg./providers/Microsoft.Compute/virtualMachines/vm")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_WithAnythingButExactlyAVm_ShouldRefuse(string? text) => Assert.False(VmResourceId.TryParse(text, out _));

    [Fact]
    public void Equality_ShouldIgnoreCase_AndKeyShouldBeLowerCase()
    {
        var a = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/RG-App/providers/Microsoft.Compute/virtualMachines/VM-01");
        var b = VmResourceId.Parse($"/subscriptions/{Sub.ToUpperInvariant()}/resourcegroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.Key, b.Key);
        Assert.Equal(a.Key, a.Key.ToLowerInvariant());
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData($"/subscriptions/{Sub}", true)]
    [InlineData($"/SUBSCRIPTIONS/{Sub}/", true)]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/RG-APP", true)]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg-other", false)]
    [InlineData($"/subscriptions/{Sub}/resourceGroups/rg-ap", false)]
    [InlineData("/subscriptions/99999999-2222-3333-4444-555555555555", false)]
    [InlineData("/subscriptions/not-a-guid", false)]
    public void IsWithin_ShouldMatchSubscriptionAndResourceGroupScopes(string scope, bool expected)
    {
        var id = VmResourceId.Parse($"/subscriptions/{Sub}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01");

        Assert.Equal(expected, id.IsWithin(scope));
    }
}
