using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Checks;

/// <summary>The tags a VM must carry (each present, and matching its pattern when one is given).</summary>
internal sealed class TagsCheck(TagsCheckSpec spec) : IVmCheck
{
    public string Name => spec.Name;

    public Task<CheckResult> RunAsync(VmFacts vm, CancellationToken cancellationToken)
    {
        var missing = spec.Required.Where(t => !t.IsMetBy(vm.Vm.Tags, out _)).ToArray();
        return Task.FromResult(missing.Length == 0
            ? CheckResult.Pass(Name, $"OK ({spec.Required.Count} tags)")
            : CheckResult.Fail(Name, "missing " + string.Join(", ", missing.Select(m => m.ToString())),
                new Failure(ErrorIds.CheckFailed, VmErrorCategory.InvalidData, spec.Retryable, null, $"{vm.Vm.VmName} lacks the tags {string.Join(", ", missing.Select(m => m.ToString()))}.")));
    }
}
