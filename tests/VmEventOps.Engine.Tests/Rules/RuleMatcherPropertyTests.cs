using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;

namespace VmEventOps.Engine.Tests.Rules;

/// <summary>Rule matching as properties over random tags and names, Unicode included: first match wins, conditions mean what they say.</summary>
public sealed class RuleMatcherPropertyTests
{
    private static readonly VmResourceId Vm = VmResourceId.Parse("/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01");

    private static readonly string[] Pieces = ["a", "Z", "é", "ß", "日本", "😀", "-", ".", "=", " ", "x1", "İ", "ǅ"];

    private static Gen<string> Text => Gen.ArrayOf(Gen.Elements(Pieces)).Select(p => string.Concat(p.Take(6)));

    private static Gen<Dictionary<string, string>> Tags => Gen.ArrayOf(Gen.Zip(Text, Text)).Select(pairs =>
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in pairs.Take(6)) if (key.Length > 0) tags[key] = value;
        return tags;
    });

    private static OnboardingRule Rule(string name, RuleConditions match) => new() { Name = name, Origin = "test", Match = match, SkipReason = "x" };

    [Property(MaxTest = 400)]
    public Property Match_ATagConditionOnAKeyTheVmCarries_ShouldMatchItsExactValue_AndAnyValueByKeyAlone() =>
        Prop.ForAll(Tags.Where(t => t.Count > 0).ToArbitrary(), tags =>
        {
            var (key, value) = tags.First();
            var subject = new RuleSubject(Vm, VmEventKind.Created, tags, "Linux", "westeurope");
            var exact = RuleMatcher.Matches(new RuleConditions { Tags = [new TagCondition(key.ToUpperInvariant(), Escape(value))] }, subject);
            var byKey = RuleMatcher.Matches(new RuleConditions { Tags = [new TagCondition(key, null)] }, subject);
            var star = RuleMatcher.Matches(new RuleConditions { Tags = [new TagCondition(key, "*")] }, subject);
            return exact && byKey && star;
        });

    [Property(MaxTest = 400)]
    public Property Match_ATagTheVmDoesNotCarry_ShouldNeverMatch() =>
        Prop.ForAll(Tags.ToArbitrary(), Text.Where(t => t.Length > 0).ToArbitrary(), (tags, key) =>
        {
            tags.Remove(key);
            var subject = new RuleSubject(Vm, VmEventKind.Created, tags, "Linux", "westeurope");
            return !RuleMatcher.Matches(new RuleConditions { Tags = [new TagCondition(key, null)] }, subject)
                && !RuleMatcher.Matches(new RuleConditions { Tags = [new TagCondition(key, "*")] }, subject);
        });

    [Property(MaxTest = 300)]
    public Property Match_ShouldReturnTheFirstRuleThatMatches_AndAMissForEveryRuleBeforeIt() =>
        Prop.ForAll(Tags.ToArbitrary(), Gen.Choose(0, 5).ToArbitrary(), (tags, missing) =>
        {
            var subject = new RuleSubject(Vm, VmEventKind.Created, tags, "Windows", "westeurope");
            var rules = Enumerable.Range(0, missing).Select(i => Rule($"miss{i}", new RuleConditions { OsTypes = ["Linux"] }))
                .Append(Rule("hit", new RuleConditions { OsTypes = ["windows"] }))
                .Append(Rule("later", RuleConditions.Any)).ToArray();
            var match = RuleMatcher.Match(rules, subject);
            return match.Rule!.Name == "hit" && match.Passed.Count == missing && match.Passed.All(m => m.WhyNot.Contains("OS type Windows", StringComparison.Ordinal));
        });

    [Property(MaxTest = 300)]
    public Property Wildcard_ATextMatchesItself_AndAStarAroundAnyPartOfIt() =>
        Prop.ForAll(Text.ToArbitrary(), Gen.Choose(0, 6).ToArbitrary(), (text, cut) =>
        {
            var at = Math.Min(cut, text.Length);
            if (at > 0 && at < text.Length && char.IsLowSurrogate(text[at])) at--;
            return Wildcard.IsMatch(text, Escape(text)) && Wildcard.IsMatch(text, "*") && Wildcard.IsMatch(text, Escape(text[..at]) + "*")
                && Wildcard.IsMatch(text, Escape(text.ToUpperInvariant()));
        });

    [Property(MaxTest = 300)]
    public Property Wildcard_AQuestionMarkTakesOneCharacter_EvenOutsideTheBasicPlane() =>
        Prop.ForAll(Gen.Elements(Pieces).ToArbitrary(), piece =>
        {
            var runes = piece.EnumerateRunes().Count();
            return Wildcard.IsMatch(piece, new string('?', runes)) && !Wildcard.IsMatch(piece, new string('?', runes + 1));
        });

    [Property(MaxTest = 200)]
    public Property Match_AVmNamePatternAndScopes_ShouldDecideAsWritten() =>
        Prop.ForAll(Text.ToArbitrary(), suffix =>
        {
            var subject = new RuleSubject(Vm, VmEventKind.Deleted, new Dictionary<string, string>(), null, "West Europe");
            var inScope = new RuleConditions { Scopes = ["/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-APP"], VmNames = ["vm-*"], Locations = ["westeurope"], Events = [VmEventKind.Deleted] };
            var otherGroup = inScope with { Scopes = ["/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-" + Escape(suffix) + "x"] };
            var created = inScope with { Events = [VmEventKind.Created] };
            return RuleMatcher.Matches(inScope, subject) && !RuleMatcher.Matches(otherGroup, subject) && !RuleMatcher.Matches(created, subject);
        });

    private static string Escape(string text) => text.Replace("*", string.Empty, StringComparison.Ordinal).Replace("?", string.Empty, StringComparison.Ordinal);
}
