using Azure.Core;
using VmEventOps.Engine.Arm;

namespace VmEventOps.Engine.Tests.Arm;

public sealed class ArmRequestMetricsPolicyTests
{
    [Theory]
    [InlineData("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-01", "Microsoft.Compute/virtualMachines/read")]
    [InlineData("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-01", "Microsoft.Network/networkInterfaces/read")]
    [InlineData("PUT", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa/jobs/j-1", "Microsoft.Automation/automationAccounts/jobs/write")]
    [InlineData("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa/jobs/j-1/output", "Microsoft.Automation/automationAccounts/jobs/output/read")]
    [InlineData("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa/jobs/j-1/streams", "Microsoft.Automation/automationAccounts/jobs/streams/read")]
    [InlineData("POST", "/subscriptions/s/providers/Microsoft.Compute/virtualMachines/vm/start", "Microsoft.Compute/virtualMachines/start/action")]
    [InlineData("GET", "/subscriptions/s/resourceGroups/rg", "other/read")]
    public void Operation_ShouldBeTheResourceTypeAndVerb_WithoutNames(string method, string path, string operation) =>
        Assert.Equal(operation, ArmRequestMetricsPolicy.Operation(RequestMethod.Parse(method), path));
}
