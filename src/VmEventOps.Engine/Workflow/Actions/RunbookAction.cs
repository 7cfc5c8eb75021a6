using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow.Actions;

/// <summary>
/// Starts a rule's runbook for the VM as an Automation job whose id is derived from the VM's vmId and the runbook (and,
/// for an offboarding, that it is one), so a repeat finds the job an earlier attempt started. Its parameters are the VM's
/// facts (a runbook a rule names also gets VmId and EventTime), the trace id, and the rule's own parameters rendered from
/// the VM's facts (<see cref="FactTemplate"/>).
/// </summary>
internal sealed class RunbookAction(RunbookActionSpec spec, bool offboarding) : IOnboardingAction
{
    /// <summary>The runbook of the AutomationAccountId, RunbookName and HybridWorkerGroup settings.</summary>
    public static RunbookAction For(VmEventOptions options) => new(RuleSet.DefaultAction(options)!, offboarding: false);

    /// <summary>A rule's onboarding runbook.</summary>
    public static RunbookAction For(RunbookActionSpec spec) => new(spec, offboarding: false);

    /// <summary>A rule's offboarding runbook.</summary>
    public static RunbookAction Offboard(RunbookActionSpec spec) => new(spec, offboarding: true);

    public string Name => offboarding ? "Offboarding" : "Runbook";

    public Task<VmRunbookJob> RunAsync(VmFacts vm, ActionContext context, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["VmName"] = vm.Vm.VmName,
            ["VmResourceId"] = vm.Vm.VmResourceId,
            ["PrivateIpAddress"] = vm.Vm.PrivateIpAddress,
            ["CorrelationId"] = vm.Event.CorrelationId,   // an identifier or null: never the writer's free text
        };
        if (!spec.FromSettings)
        {
            // The VM's own identity (a name and a resource ID come back after a delete; the vmId does not) and when ARM acted.
            parameters["VmId"] = vm.Vm.VmId.ToString("D");
            if (vm.Event.EventTime is { } at) parameters["EventTime"] = at.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture);
        }

        // The runbook's own logs can be joined with this event's trace (every attempt shares the trace id).
        if (context.TraceId is { } traceId) parameters["TraceId"] = traceId;
        // The parser refuses a rule's parameter named like a built-in one; TryAdd keeps the built-in should one get here.
        foreach (var (name, template) in spec.Parameters) parameters.TryAdd(name, FactTemplate.Render(template, vm.Vm));
        // The offboarding of a vmId is another job than its onboarding, even by the same runbook.
        var jobKey = offboarding ? "offboard/" + spec.RunbookName : spec.RunbookName;
        return context.Arm.StartRunbookAsync(new RunbookJobRequest
        {
            AutomationAccountId = spec.AutomationAccountId,
            RunbookName = spec.RunbookName,
            RunOn = spec.HybridWorkerGroup,
            JobId = RunbookJobNames.ForVm(vm.Vm.VmId, jobKey),
            KnownNew = context.KnownNew,
            Parameters = parameters,
        }, cancellationToken, context.Deferral);
    }
}
