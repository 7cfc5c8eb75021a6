using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Looks a VM and its private IP address up in Azure Resource Manager.</para>
/// <para type="description">Reads the VM (one GET, Microsoft.Compute api-version from the ComputeApiVersion setting) and each of its
/// network interfaces (one GET each, in parallel, NetworkApiVersion) and writes a VmNetworkInfo: the VM's immutable VmId, location,
/// provisioning state, OS type, creation time, tags, the primary NIC and its primary private address (an address given in CIDR
/// form is returned without the prefix), every private address and the public IP address IDs.</para>
/// <para type="description">A VM that no longer exists gives a non-terminating VmNotFound error, one being deleted VmDeleting, one whose
/// provisioning failed VmProvisioningFailed; a VM still being created whose NIC does not exist yet or has no address gives VmCreating, and
/// a NIC without a private address yet VmNicNotReady, both worth trying again; a missing role gives VmArmForbidden naming the role
/// (Reader on the VM's scope). Azure.Core retries throttling (429) and server errors, waiting as Retry-After says up to ArmMaxRetryWait
/// (1 minute) and the time left in the invocation (InvocationTimeout); a longer wait is not slept: VmArmThrottled, with the service's
/// Retry-After. Resource IDs come through the pipeline by property name, so ConvertFrom-VmEvent | Get-VmNetworkInfo works.</para>
/// <example>
///   <code>Get-VmNetworkInfo -VmResourceId /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01</code>
///   <para>Shows vm-01's private address.</para>
/// </example>
/// <example>
///   <code>Get-VmEventMessage | ForEach-Object Event | Where-Object Accepted | Get-VmNetworkInfo</code>
///   <para>Looks up every VM that the main queue holds an accepted event for.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmNetworkInfo")]
[OutputType(typeof(VmNetworkInfo))]
public sealed class GetVmNetworkInfoCommand : ConfiguredCmdlet
{
    /// <summary>
    /// <para type="description">The VM's resource ID: /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VmResourceIdCompleter))]
    public string? VmResourceId { get; set; }

    private ArmGateway? _gateway;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        _gateway ??= VmEventEngine.For(LoadConfiguration().Options).Arm(Log);
        if (!TryParseVmResourceId(VmResourceId, out var vm)) return;

        try
        {
            WriteObject(Run(token => _gateway.GetVmNetworkInfoAsync(vm!, token)));
        }
        catch (VmEventOpsException e) when (e.ErrorId != ErrorIds.AuthUnavailable && e.ErrorId != ErrorIds.AuthFailed && e.ErrorId != ErrorIds.AuthNotConfigured)
        {
            // One VM's failure is that VM's: the pipeline goes on with the next.
            WriteFailure(e);
        }
    }
}
