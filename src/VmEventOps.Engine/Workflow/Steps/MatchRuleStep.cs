using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Workflow.Steps;

/// <summary>
/// Finds the first rule that matches the VM: on its ARM facts for a created VM, on its record's last known facts for a
/// deleted one. Pure and quick, so it runs as no stage of its own.
/// </summary>
internal sealed class MatchRuleStep(RuleSet rules) : IWorkflowStep
{
    public string? Stage => null;

    public Task<OnboardingFacts> RunAsync(OnboardingFacts facts, AttemptContext context, CancellationToken cancellationToken)
    {
        var subject = RuleSubject.Of(facts.VmResourceId, facts.Event.Kind, facts.KnownVm);
        return Task.FromResult(facts with { Rule = RuleMatcher.Match(rules.Rules, subject) });
    }
}
