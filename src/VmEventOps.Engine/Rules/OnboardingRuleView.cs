namespace VmEventOps.Engine.Rules;

/// <summary>
/// A rule as Get-VmOnboardingRule shows it: its place, name and origin, and its conditions, checks and runbooks in words.
/// Never a check's password or header value: only what the rule does.
/// </summary>
public sealed record OnboardingRuleView
{
    public required int Position { get; init; }

    public required string Name { get; init; }

    /// <summary>Where it came from: a settings file (and section), VMEVENTOPS_RULES, a parameter, or built-in.</summary>
    public required string Origin { get; init; }

    /// <summary>Its conditions ("OS Linux; tag env=prod*"), or "any VM".</summary>
    public required string Match { get; init; }

    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>The onboarding runbook ("Onboard-Linux on hw-linux"), or null.</summary>
    public string? Runbook { get; init; }

    /// <summary>The offboarding runbook, or null.</summary>
    public string? Offboarding { get; init; }

    /// <summary>Why matching VMs are skipped; null for a rule that acts.</summary>
    public string? Skip { get; init; }

    /// <summary>The view of <paramref name="rule"/>.</summary>
    public static OnboardingRuleView Of(OnboardingRule rule) => new()
    {
        Position = rule.Position, Name = rule.Name, Origin = rule.Origin, Match = Describe(rule.Match),
        Checks = rule.Checks.Select(Describe).ToArray(), Runbook = Describe(rule.Action), Offboarding = Describe(rule.Offboarding), Skip = rule.SkipReason,
    };

    /// <summary>Conditions in words.</summary>
    public static string Describe(RuleConditions match)
    {
        var parts = new List<string>();
        if (match.Events.Count > 0) parts.Add("event " + string.Join("|", match.Events));
        if (match.Scopes.Count > 0) parts.Add("scope " + string.Join("|", match.Scopes));
        if (match.Tags.Count > 0) parts.Add("tag " + string.Join(", ", match.Tags));
        if (match.OsTypes.Count > 0) parts.Add("OS " + string.Join("|", match.OsTypes));
        if (match.Locations.Count > 0) parts.Add("location " + string.Join("|", match.Locations));
        if (match.VmNames.Count > 0) parts.Add("name " + string.Join("|", match.VmNames));
        return parts.Count == 0 ? "any VM" : string.Join("; ", parts);
    }

    private static string Describe(CheckSpec check)
    {
        var what = check switch
        {
            DatabaseCheckSpec d => $"{d.Provider} {d.Server}{(d.Port is { } port ? ":" + port : string.Empty)}{(d.Database is { } db ? "/" + db : string.Empty)}",
            TcpPortCheckSpec t => $"{t.Host}:{t.Port}",
            HttpCheckSpec h => $"{Shown(h.Url)} → {string.Join("|", h.ExpectedStatus)}",
            DnsCheckSpec n => $"{n.HostName} → {n.Address}",
            TagsCheckSpec g => string.Join(", ", g.Required),
            ScriptCheckSpec s => s.Path,
            _ => string.Empty,
        };
        var limit = check.Timeout > TimeSpan.Zero ? $", {check.Timeout.TotalSeconds:0} s" : string.Empty;
        return $"{check.Name}: {check.Kind} {what} ({(check.Retryable ? "retry" : "final")}{limit})";
    }

    // A URL as shown: its query and fragment (an API key, a signature) and any user information cut to ***.
    private static string Shown(string url)
    {
        var query = url.IndexOfAny(['?', '#']);
        var text = query < 0 ? url : url[..query] + "?***";
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return text;
        var hostStart = scheme + 3;
        var hostEnd = text.IndexOf('/', hostStart) is var slash and >= 0 ? slash : text.Length;
        var at = text.LastIndexOf('@', hostEnd - 1, hostEnd - hostStart);
        return at < 0 ? text : text[..hostStart] + "***@" + text[(at + 1)..];
    }

    private static string? Describe(RunbookActionSpec? action) =>
        action is null ? null : action.RunbookName + (action.HybridWorkerGroup is { } group ? " on " + group : string.Empty)
            + (action.Parameters.Count > 0 ? " (" + string.Join(", ", action.Parameters.Keys) + ")" : string.Empty);
}
