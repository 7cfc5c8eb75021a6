using System.Management.Automation;
using VmEventOps.Completion;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow;
using VmEventOps.Hosting;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Says which onboarding rule matches a VM and why, and with -RunChecks how its checks end: the admin's dry run.</para>
/// <para type="description">Looks the VM up in ARM (its tags, OS type, location and private address; for -Event Deleted, its onboarding
/// record's last known facts) and writes a RuleTestResult: the rule that matches (first match wins) and each condition that held, every
/// rule before it with the condition that did not, and what the rule would do (its runbook, its offboarding runbook, or the skip and why).
/// With -RunChecks it also runs the rule's checks against the VM, each with its time limit, and shows each one's status (Passed, Failed,
/// TimedOut, Error), reason and time; Script checks run in this session. It claims nothing, writes no record and starts no job.</para>
/// <example>
///   <code>Test-VmOnboardingRule -VmResourceId /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01 -RunChecks</code>
///   <para>Shows vm-01's rule and runs its checks.</para>
/// </example>
/// <example>
///   <code>Get-VmOnboardingState -State Failed | Test-VmOnboardingRule -RunChecks | Where-Object ChecksPassed -EQ $false</code>
///   <para>Finds the failed VMs whose checks still do not pass.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VmOnboardingRule")]
[OutputType(typeof(RuleTestResult))]
public sealed class TestVmOnboardingRuleCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">The VM's resource ID: /subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VmResourceIdCompleter))]
    public string? VmResourceId { get; set; }

    /// <summary><para type="description">Runs the matching rule's checks against the VM too (no job is started).</para></summary>
    [Parameter]
    public SwitchParameter RunChecks { get; set; }

    /// <summary><para type="description">The event to test for: Created (default; the VM's facts from ARM) or Deleted (its record's last known facts).</para></summary>
    [Parameter]
    public VmEventKind Event { get; set; } = VmEventKind.Created;

    private RuleTester? _tester;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        if (_tester is null)
        {
            var configuration = LoadConfiguration();
            var origin = configuration.Settings.FirstOrDefault(s => s.Name == "Rules")?.Origin;
            _tester = Run(() => VmEventEngine.For(configuration.Options).RuleTester(Log, new RunspaceScriptCheckHost(Log), origin));
            foreach (var error in _tester.Rules.Errors) WriteFailure(new VmEventOpsException(error.ErrorId, VmErrorCategory.InvalidData, error.Message, error.Rule));
        }

        if (!TryParseVmResourceId(VmResourceId, out var vm)) return;
        try
        {
            var kind = Event;
            WriteObject(Run(token => _tester.TestAsync(vm!, kind, RunChecks, token)));
        }
        catch (VmEventOpsException e) when (e.ErrorId != ErrorIds.AuthUnavailable && e.ErrorId != ErrorIds.AuthFailed && e.ErrorId != ErrorIds.AuthNotConfigured)
        {
            // One VM's failure (gone, forbidden) is that VM's: the pipeline goes on with the next.
            WriteFailure(e);
        }
    }
}
