using VmEventOps.Engine.Azure;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow.Actions;

/// <summary>
/// Starts the onboarding runbook for the VM as an Automation job whose id is derived from the VM's vmId and the runbook
/// (so a repeat finds the job an earlier attempt started), with the VM's facts and the trace id as parameters.
/// </summary>
internal sealed class RunbookAction(string automationAccountId, string runbookName, string? runOn) : IOnboardingAction
{
    public static RunbookAction For(VmEventOptions options) => new(options.AutomationAccountId!, options.RunbookName!, options.HybridWorkerGroup);

    public string Name => "Runbook";

    public Task<VmRunbookJob> RunAsync(VmFacts vm, ActionContext context, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["VmName"] = vm.Vm.VmName,
            ["VmResourceId"] = vm.Vm.VmResourceId,
            ["PrivateIpAddress"] = vm.Vm.PrivateIpAddress,
            ["CorrelationId"] = vm.Event.CorrelationId,   // an identifier or null: never the writer's free text
        };
        // The runbook's own logs can be joined with this event's trace (every attempt shares the trace id).
        if (context.TraceId is { } traceId) parameters["TraceId"] = traceId;
        return context.Arm.StartRunbookAsync(new RunbookJobRequest
        {
            AutomationAccountId = automationAccountId,
            RunbookName = runbookName,
            RunOn = runOn,
            JobId = RunbookJobNames.ForVm(vm.Vm.VmId, runbookName),
            KnownNew = context.KnownNew,
            Parameters = parameters,
        }, cancellationToken, context.Deferral);
    }
}
