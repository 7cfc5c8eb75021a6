using System.Net.Sockets;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>A TCP connection to the VM (its private address by default) on a port: it passes once the port accepts (SSH, RDP, WinRM up).</summary>
internal sealed class TcpPortCheck(TcpPortCheckSpec spec) : IVmCheck
{
    public string Name => spec.Name;

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        var host = FactTemplate.RenderHost(spec.Host, vm.Vm);
        if (string.IsNullOrWhiteSpace(host)) return CheckResult.Error(Name, "no host", new Failure(ErrorIds.CheckError, VmErrorCategory.InvalidData, true, null, $"the host template gives nothing for {vm.Vm.VmName} (no private address yet?)."));
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, spec.Port, cancellationToken).ConfigureAwait(false);
            return CheckResult.Pass(Name, $"OK ({host}:{spec.Port})");
        }
        catch (SocketException e)
        {
            return CheckResult.Fail(Name, $"{host}:{spec.Port} {e.SocketErrorCode}",
                new Failure(ErrorIds.CheckFailed, VmErrorCategory.ConnectionError, spec.Retryable, null, $"{host}:{spec.Port} did not accept a connection ({e.SocketErrorCode})."));
        }
    }
}
