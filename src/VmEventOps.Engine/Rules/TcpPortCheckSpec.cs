namespace VmEventOps.Engine.Rules;

/// <summary>A TCP connection to <see cref="Host"/> (the VM's private address by default) on <see cref="Port"/>: it passes once the port accepts.</summary>
public sealed record TcpPortCheckSpec : CheckSpec
{
    public override CheckKind Kind => CheckKind.TcpPort;

    /// <summary>A template of the host to connect to.</summary>
    public string Host { get; init; } = "{PrivateIpAddress}";

    public required int Port { get; init; }
}
