using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>
/// The admin's script, run by the host (<see cref="IScriptCheckHost"/>: the calling runspace) with the VM's facts as
/// parameters (VmName, VmResourceId, VmId, PrivateIpAddress, OsType, Location, Tags); its answer is the check's result.
/// </summary>
internal sealed class ScriptCheck(ScriptCheckSpec spec, IScriptCheckHost? host) : IVmCheck
{
    public string Name => spec.Name;

    public async Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        if (host is null)
        {
            return CheckResult.Error(Name, "no script host", new Failure(ErrorIds.CheckError, VmErrorCategory.InvalidOperation, false, null,
                $"a Script check runs only where a PowerShell runspace hosts the workflow (the module's cmdlets)."));
        }

        if (!File.Exists(spec.Path))
        {
            return CheckResult.Error(Name, "no script", new Failure(ErrorIds.CheckError, VmErrorCategory.ObjectNotFound, false, null, $"the script {spec.Path} does not exist."));
        }

        var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["VmName"] = vm.Vm.VmName, ["VmResourceId"] = vm.Vm.VmResourceId, ["VmId"] = vm.Vm.VmId.ToString("D"), ["PrivateIpAddress"] = vm.Vm.PrivateIpAddress,
            ["OsType"] = vm.Vm.OsType, ["Location"] = vm.Vm.Location, ["Tags"] = new Dictionary<string, string>(vm.Vm.Tags, StringComparer.OrdinalIgnoreCase),
        };
        var outcome = await host.RunAsync(spec.Path, parameters, cancellationToken).ConfigureAwait(false);
        var message = Cut(outcome.Message);
        return outcome.Passed
            ? CheckResult.Pass(Name, message is null ? "OK" : $"OK ({message})")
            : CheckResult.Fail(Name, message ?? "failed", new Failure(ErrorIds.CheckFailed, VmErrorCategory.InvalidResult, spec.Retryable, null, $"{message ?? "the script said the VM did not pass"}."));
    }

    private static string? Cut(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim() is { Length: > 300 } longer ? longer[..300] + "…" : text.Trim();
}
