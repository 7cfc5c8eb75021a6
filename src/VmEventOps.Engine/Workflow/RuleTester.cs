using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Workflow;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Workflow;

/// <summary>
/// The admin's dry run of the rules for one VM: its facts from ARM (or, for a deleted VM, its record's last known ones),
/// the rule that matches and why, and — when asked — the rule's checks run against it. It claims nothing, writes no
/// record and starts no job.
/// </summary>
public sealed class RuleTester
{
    private readonly RuleSet _rules;
    private readonly ArmGateway _arm;
    private readonly OnboardingStateStore _state;
    private readonly CheckFactory _checks;
    private readonly KnownSecrets _secrets;

    internal RuleTester(RuleSet rules, ArmGateway arm, OnboardingStateStore state, CheckFactory checks, KnownSecrets secrets)
    {
        _rules = rules;
        _arm = arm;
        _state = state;
        _checks = checks;
        _secrets = secrets;
    }

    /// <summary>The rules it tests against.</summary>
    public RuleSet Rules => _rules;

    /// <summary>Which rule matches <paramref name="vm"/> for <paramref name="kind"/>, and with <paramref name="runChecks"/> how its checks end.</summary>
    public async Task<RuleTestResult> TestAsync(VmResourceId vm, VmEventKind kind, bool runChecks, CancellationToken cancellationToken)
    {
        VmNetworkInfo? facts;
        string source;
        if (kind == VmEventKind.Created)
        {
            facts = await _arm.GetVmNetworkInfoAsync(vm, cancellationToken).ConfigureAwait(false);
            source = "ARM";
        }
        else
        {
            facts = (await _state.GetAsync(vm, cancellationToken).ConfigureAwait(false))?.Vm;
            source = facts is null ? "none (no record with facts: matched on the resource ID alone)" : "the onboarding record (last known)";
        }

        var match = RuleMatcher.Match(_rules.Rules, RuleSubject.Of(vm, kind, facts));
        var rule = match.Rule;
        var action = rule switch
        {
            null => "Nothing (no rule matches)",
            { SkipReason: { } skip } => "Skip: " + skip,
            _ when kind == VmEventKind.Deleted => rule.Offboarding is { } off ? "Offboarding " + off.RunbookName : "Nothing (no offboarding runbook)",
            _ => "Runbook " + rule.Action!.RunbookName,
        };
        var results = new List<CheckRecord>();
        if (runChecks && rule is { IsSkip: false } && kind == VmEventKind.Created && facts is not null)
        {
            var vmFacts = new VmFacts(facts, new VmEvent { EventId = "(test)", EventType = EventFilter.ResourceWriteSuccess, Schema = EventSchema.EventGrid, Raw = "{}" });
            foreach (var check in _checks.For(rule))
            {
                var result = await check.RunAsync(vmFacts, cancellationToken).ConfigureAwait(false);
                results.Add(CheckRecord.Of(result, Text));
            }
        }

        return new RuleTestResult
        {
            VmResourceId = vm.Value, VmName = vm.Name, Event = kind, Rule = rule?.Name, Origin = rule?.Origin, Why = rule is null ? null : match.Explain(),
            NotMatched = match.Passed, Action = action, Checks = results, ChecksPassed = results.Count == 0 ? null : results.All(r => r.Status == CheckStatus.Passed), Facts = source,
        };
    }

    private string Text(string text) => InputText.Clean(_secrets.Redact(text), 1000)!;
}
