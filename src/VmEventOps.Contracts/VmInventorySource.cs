namespace VmEventOps;

/// <summary>Where the sweep lists the VMs in scope.</summary>
public enum VmInventorySource
{
    /// <summary>VirtualMachines_ListAll per subscription, VirtualMachines_List per resource group, every nextLink followed.</summary>
    Arm,

    /// <summary>One Azure Resource Graph query for every scope, paged with $skipToken.</summary>
    ResourceGraph,
}
