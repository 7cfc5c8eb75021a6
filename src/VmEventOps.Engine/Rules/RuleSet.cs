using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// The effective rules of a configuration, in order: the built-in skip rule when the SkipTag setting names a tag (a VM
/// tagged so, <c>vmeventops:skip=true</c> say, is left alone), then the Rules setting's rules, or — with none configured — one default rule made of today's settings
/// (the Db* database check when DbServer is set, and RunbookName's job), so nothing changes for existing users. Rules
/// that are not valid are left out and listed in <see cref="Errors"/>.
/// </summary>
public sealed record RuleSet(IReadOnlyList<OnboardingRule> Rules, IReadOnlyList<RuleError> Errors, bool Configured)
{
    /// <summary>The name of the built-in skip rule.</summary>
    public const string SkipRuleName = "SkipTagged";

    /// <summary>The name of the rule made of today's settings when no rule is configured.</summary>
    public const string DefaultRuleName = "Default";

    /// <summary>True when a rule of <see cref="Rules"/> offboards (has an offboarding runbook): without one a delete event needs nothing.</summary>
    public bool Offboards => Rules.Any(r => r.Offboarding is not null && !r.IsSkip);

    /// <summary>Where built-in rules come from.</summary>
    public const string BuiltIn = "built-in";

    /// <summary>The rules of <paramref name="options"/>; <paramref name="origin"/> says where the Rules setting came from.</summary>
    public static RuleSet From(VmEventOptions options, string? origin = null)
    {
        var parsed = string.IsNullOrWhiteSpace(options.Onboarding.Rules)
            ? new RuleSet([DefaultRule(options)], [], Configured: false)
            : RuleParser.Parse(options.Onboarding.Rules, origin ?? "the Rules setting", options);
        // Opt-in (the SkipTag setting): without it, a VM is treated as it was before rules existed.
        var skip = string.IsNullOrWhiteSpace(options.Onboarding.SkipTag) ? null : TagCondition.Parse(options.Onboarding.SkipTag);
        var all = skip is null ? parsed.Rules : parsed.Rules.Prepend(new OnboardingRule
        {
            Name = SkipRuleName, Origin = BuiltIn, Match = new RuleConditions { Tags = [skip] }, SkipReason = $"the VM is tagged {skip}",
        });
        var rules = all.Select((rule, i) => rule with { Position = i + 1 }).ToArray();
        return parsed with { Rules = rules };
    }

    /// <summary>Today's settings as one rule: the database check of the Db* settings (when DbServer is set) and the RunbookName job.</summary>
    public static OnboardingRule DefaultRule(VmEventOptions options) => new()
    {
        Name = DefaultRuleName,
        Origin = BuiltIn + " (Db* and runbook settings)",
        Checks = string.IsNullOrEmpty(options.Database.DbServer) ? [] : [DatabaseFromSettings(options)],
        Action = DefaultAction(options),
    };

    /// <summary>The runbook of the AutomationAccountId, RunbookName and HybridWorkerGroup settings; null when they are not set.</summary>
    public static RunbookActionSpec? DefaultAction(VmEventOptions options) =>
        string.IsNullOrEmpty(options.Automation.AutomationAccountId) || string.IsNullOrEmpty(options.Automation.RunbookName)
            ? null
            : new RunbookActionSpec { AutomationAccountId = options.Automation.AutomationAccountId, RunbookName = options.Automation.RunbookName, HybridWorkerGroup = options.Automation.HybridWorkerGroup, FromSettings = true };

    private static DatabaseCheckSpec DatabaseFromSettings(VmEventOptions options) => new()
    {
        Name = "DatabaseCheck", Timeout = TimeSpan.Zero, Retryable = true, Provider = options.Database.DbProvider, Server = options.Database.DbServer!, Port = options.Database.DbPort,
        Database = options.Database.DbName, User = options.Database.DbUser, Encryption = options.Database.DbEncryption, TrustServerCertificate = options.Database.DbTrustServerCertificate,
        HostNameInCertificate = options.Database.DbHostNameInCertificate, FromSettings = true,
    };
}
