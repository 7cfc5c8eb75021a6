using System.Management.Automation;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Shows the effective onboarding rules, in order, with where each came from.</para>
/// <para type="description">Reads the Rules setting through the same layers as every other cmdlet (settings file and its environment
/// section, VMEVENTOPS_RULES, parameters) and writes one object per rule in the order the workflow tries them (first match wins): its
/// position, name, origin, conditions, checks (kind, target, retry or final, time limit), onboarding runbook, offboarding runbook, or the
/// reason it skips. When the SkipTag setting names a tag (vmeventops:skip=true, say), the built-in rule SkipTagged comes first (a VM
/// so tagged is left alone); with no rules configured the one rule (after it) is Default, made of today's settings (the Db* check and
/// RunbookName). A check's password or header value is never shown.</para>
/// <para type="description">Each rule that is not valid is written as a non-terminating error with a stable id (VmRuleInvalid,
/// VmRuleCheckInvalid, VmRuleTemplateInvalid) naming the rule and what is wrong; no event is onboarded until it is fixed (each waits in the retry queue, no attempt used).</para>
/// <example>
///   <code>Get-VmOnboardingRule -SettingsPath ./vmeventops.json -Environment Prod</code>
///   <para>Lists the rules that apply with the Prod section of vmeventops.json.</para>
/// </example>
/// <example>
///   <code>Get-VmOnboardingRule -Name linux* | Select-Object -ExpandProperty Checks</code>
///   <para>Shows the checks of the rules whose names start with linux.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmOnboardingRule")]
[OutputType(typeof(OnboardingRuleView))]
public sealed class GetVmOnboardingRuleCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">Names of the rules to show; wildcards are allowed. All rules when omitted.</para></summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    private RuleSet? _rules;

    /// <inheritdoc />
    private protected override bool ExportsTelemetry => false;

    /// <inheritdoc />
    private protected override bool ResolvesKeyVaultReferences => false;

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        if (_rules is null)
        {
            var configuration = LoadConfiguration();
            var origin = configuration.Settings.FirstOrDefault(s => s.Name == "Rules")?.Origin;
            _rules = Run(() => RuleSet.From(configuration.Options, origin));
            foreach (var error in _rules.Errors) WriteFailure(new VmEventOpsException(error.ErrorId, VmErrorCategory.InvalidData, error.Message, error.Rule));
        }

        var patterns = (Name ?? ["*"]).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        WriteObject(_rules.Rules.Where(r => patterns.Any(p => p.IsMatch(r.Name))).Select(OnboardingRuleView.Of), enumerateCollection: true);
    }
}
