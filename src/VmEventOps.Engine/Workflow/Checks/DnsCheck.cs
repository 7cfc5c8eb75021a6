using System.Net;
using System.Net.Sockets;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>A DNS name (a template of the VM's facts) that must resolve to the VM's address: it passes when one of the answers is that address.</summary>
internal sealed class DnsCheck(DnsCheckSpec spec, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) : IVmCheck
{
    // The host's resolver: getaddrinfo on Linux does not heed the token, so the check's limit is BoundedCheck's to hold.
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve = resolve ?? Dns.GetHostAddressesAsync;

    public string Name => spec.Name;

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        var name = FactTemplate.RenderHost(spec.HostName, vm.Vm).Trim().TrimEnd('.');
        var expectedText = FactTemplate.Render(spec.Address, vm.Vm).Trim();
        if (name.Length == 0 || !IPAddress.TryParse(expectedText, out var expected))
        {
            return CheckResult.Error(Name, "no name or address", new Failure(ErrorIds.CheckError, VmErrorCategory.InvalidData, true, null,
                $"the name or the address template gives no name or no IP address for {vm.Vm.VmName}."));
        }

        IPAddress[] answers;
        try
        {
            answers = await _resolve(name, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return Fail(name, expected, $"it does not resolve ({e.SocketErrorCode})");
        }

        var same = answers.Any(a => Normal(a).Equals(Normal(expected)));
        return same
            ? CheckResult.Pass(Name, $"OK ({name} → {expected})")
            : Fail(name, expected, $"it resolves to {string.Join(", ", answers.Take(5).Select(a => a.ToString()))}");
    }

    private CheckResult Fail(string name, IPAddress expected, string why) => CheckResult.Fail(Name, $"{name} not {expected}",
        new Failure(ErrorIds.CheckFailed, VmErrorCategory.ObjectNotFound, spec.Retryable, null, $"{name} should resolve to {expected}, but {why}."));

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
