using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Arm;

/// <summary>A VM and its network addresses, as Azure Resource Manager reports them.</summary>
public sealed record VmNetworkInfo
{
    /// <summary>The VM's resource ID (canonical form).</summary>
    public required string VmResourceId { get; init; }

    /// <summary>The VM's immutable id (<c>properties.vmId</c>): it survives renames and is the onboarding key.</summary>
    public required Guid VmId { get; init; }

    /// <summary>The VM's name.</summary>
    public required string VmName { get; init; }

    /// <summary>The Azure region.</summary>
    public string? Location { get; init; }

    /// <summary>Succeeded, Creating, Updating, Failed, ...</summary>
    public string? ProvisioningState { get; init; }

    /// <summary>Windows or Linux.</summary>
    public string? OsType { get; init; }

    /// <summary>When the VM was created, when the API says.</summary>
    public DateTimeOffset? TimeCreated { get; init; }

    /// <summary>The VM's tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The primary NIC's resource ID.</summary>
    public string? PrimaryNicId { get; init; }

    /// <summary>The primary NIC's primary private address (without a CIDR suffix).</summary>
    public string? PrivateIpAddress { get; init; }

    /// <summary>Every private address of every NIC, primary first.</summary>
    public IReadOnlyList<string> PrivateIpAddresses { get; init; } = [];

    /// <summary>The resource IDs of the public IP addresses attached.</summary>
    public IReadOnlyList<string> PublicIpAddressIds { get; init; } = [];
}
