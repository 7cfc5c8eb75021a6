namespace VmEventOps.Engine.Rules;

/// <summary>A DNS name (a template such as <c>{VmName}.corp.example</c>) that must resolve to <see cref="Address"/> (the VM's private address by default).</summary>
public sealed record DnsCheckSpec : CheckSpec
{
    public override CheckKind Kind => CheckKind.Dns;

    public required string HostName { get; init; }

    public string Address { get; init; } = "{PrivateIpAddress}";
}
