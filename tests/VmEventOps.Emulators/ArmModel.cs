using System.Collections.Concurrent;

namespace VmEventOps.Emulators;

/// <summary>What the ARM emulator serves: VMs, NICs and Automation jobs, seeded by tests.</summary>
public sealed class ArmModel
{
    public ConcurrentDictionary<string, ArmVm> Vms { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentDictionary<string, ArmNic> Nics { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds a VM with one NIC per address list (first NIC primary; first address of each NIC primary).</summary>
    public ArmVm AddVm(string subscriptionId, string resourceGroup, string name, params string[][] nicAddresses)
    {
        var id = $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{name}";
        var nics = nicAddresses.Select((addresses, i) =>
        {
            var nicId = $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/networkInterfaces/{name}-nic{i}";
            var nic = new ArmNic(nicId, id, i == 0, addresses.Select((a, j) => new ArmIpConfiguration($"ipconfig{j + 1}", a, j == 0, j == 0 && i == 0
                ? $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/publicIPAddresses/{name}-ip" : null)).ToList());
            Nics[nicId] = nic;
            return nic;
        }).ToList();
        var vm = new ArmVm(id, name, Guid.NewGuid(), "westeurope", "Linux", DateTimeOffset.UtcNow.AddMinutes(-3), new Dictionary<string, string> { ["env"] = "test" }, nics.Select(n => n.Id).ToList());
        Vms[id] = vm;
        return vm;
    }
}

public sealed record ArmVm(string Id, string Name, Guid VmId, string Location, string OsType, DateTimeOffset TimeCreated, Dictionary<string, string> Tags, List<string> NicIds)
{
    public string ProvisioningState { get; set; } = "Succeeded";
}

public sealed record ArmNic(string Id, string VmId, bool Primary, List<ArmIpConfiguration> IpConfigurations);

/// <summary>One IP configuration; <see cref="PrivateIpAddress"/> null while the NIC is still provisioning.</summary>
public sealed record ArmIpConfiguration(string Name, string? PrivateIpAddress, bool Primary, string? PublicIpAddressId);
