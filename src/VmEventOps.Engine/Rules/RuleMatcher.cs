using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// The first rule whose every condition holds for the VM, and why; pure (no I/O, no clock), so every case is a unit or
/// property test. Scopes, OS types, locations and name patterns are any-of; tag conditions all-of; an absent condition holds.
/// </summary>
public static class RuleMatcher
{
    /// <summary>The first of <paramref name="rules"/> that matches <paramref name="subject"/>.</summary>
    public static RuleMatch Match(IReadOnlyList<OnboardingRule> rules, RuleSubject subject)
    {
        var missed = new List<RuleMiss>();
        foreach (var rule in rules)
        {
            var why = new List<string>();
            if (Explain(rule.Match, subject, why) is { } whyNot)
            {
                missed.Add(new RuleMiss(rule.Name, whyNot));
                continue;
            }

            return new RuleMatch(rule, why, missed);
        }

        return new RuleMatch(null, [], missed);
    }

    /// <summary>True when every condition of <paramref name="conditions"/> holds for <paramref name="subject"/>.</summary>
    public static bool Matches(RuleConditions conditions, RuleSubject subject) => Explain(conditions, subject, null) is null;

    // Null when every condition holds (each one that does is added to why); else the first that does not.
    private static string? Explain(RuleConditions match, RuleSubject subject, List<string>? why)
    {
        if (match.Events.Count > 0)
        {
            if (!match.Events.Contains(subject.Event)) return $"event {subject.Event} is not {string.Join(" or ", match.Events)}";
            why?.Add($"event {subject.Event}");
        }

        if (match.Scopes.Count > 0)
        {
            var scope = match.Scopes.FirstOrDefault(subject.VmResourceId.IsWithin);
            if (scope is null) return "outside scope " + string.Join(", ", match.Scopes);
            why?.Add("scope " + scope);
        }

        foreach (var tag in match.Tags)
        {
            if (!tag.IsMetBy(subject.Tags, out var found)) return found is null ? $"no tag {tag.Key}" : $"tag {tag.Key} is '{found}', not {tag.ValuePattern}";
            why?.Add(tag.ValuePattern is null ? $"tag {tag.Key}" : $"tag {tag} ('{found}')");
        }

        if (match.OsTypes.Count > 0)
        {
            if (subject.OsType is not { } os || !match.OsTypes.Contains(os, StringComparer.OrdinalIgnoreCase)) return $"OS type {subject.OsType ?? "(unknown)"} is not {string.Join(" or ", match.OsTypes)}";
            why?.Add("OS type " + os);
        }

        if (match.Locations.Count > 0)
        {
            if (subject.Location is not { } location || !match.Locations.Any(l => SameLocation(l, location))) return $"location {subject.Location ?? "(unknown)"} is not {string.Join(" or ", match.Locations)}";
            why?.Add("location " + location);
        }

        if (match.VmNames.Count > 0)
        {
            var name = subject.VmResourceId.Name;
            var pattern = match.VmNames.FirstOrDefault(p => Wildcard.IsMatch(name, p));
            if (pattern is null) return $"name {name} matches none of {string.Join(", ", match.VmNames)}";
            why?.Add($"name {pattern} ({name})");
        }

        return null;
    }

    // "West Europe" and "westeurope" are one region: ARM writes the latter, people the former.
    private static bool SameLocation(string a, string b) =>
        string.Equals(a.Replace(" ", string.Empty, StringComparison.Ordinal), b.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
}
