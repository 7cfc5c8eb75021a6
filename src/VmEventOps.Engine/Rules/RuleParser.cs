using System.Text.Json;
using System.Text.RegularExpressions;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Database;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;

namespace VmEventOps.Engine.Rules;

/// <summary>
/// Reads the Rules setting (a JSON array) into rules, strictly: an unknown property, a wrong type, a check without its
/// settings or a template naming no fact is an error with a stable id (<see cref="ErrorIds.RuleInvalid"/>,
/// <see cref="ErrorIds.RuleCheckInvalid"/>, <see cref="ErrorIds.RuleTemplateInvalid"/>), and that rule is left out. No
/// error text quotes a value that may be a secret.
/// </summary>
public static partial class RuleParser
{
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 };

    /// <summary>Rules at most: a list longer than this is a mistake, not an estate.</summary>
    public const int MaxRules = 200;

    /// <summary>Checks per rule at most.</summary>
    public const int MaxChecks = 20;

    private static readonly string[] RuleProperties = ["Name", "Match", "Checks", "Action", "Offboarding", "Skip", "Description"];
    private static readonly string[] MatchProperties = ["Scopes", "Tags", "OsType", "Locations", "VmName", "Events"];
    private static readonly string[] ActionProperties = ["Runbook", "AutomationAccountId", "HybridWorkerGroup", "Parameters"];
    private static readonly string[] CommonCheckProperties = ["Kind", "Name", "TimeoutSeconds", "Retryable"];

    /// <summary>The rules of <paramref name="json"/>, read from <paramref name="origin"/>; <paramref name="options"/> gives the default runbook and account.</summary>
    public static RuleSet Parse(string json, string origin, VmEventOptions options)
    {
        var errors = new List<RuleError>();
        var rules = new List<OnboardingRule>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException e)
        {
            errors.Add(new RuleError(ErrorIds.RuleInvalid, "(all)", origin, $"The rules are not valid JSON (line {(e.LineNumber ?? 0) + 1})."));
            return new RuleSet([], errors, Configured: true);
        }
        catch (ArgumentException)
        {
            errors.Add(new RuleError(ErrorIds.RuleInvalid, "(all)", origin, "The rules hold text that is not valid Unicode."));
            return new RuleSet([], errors, Configured: true);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new RuleError(ErrorIds.RuleInvalid, "(all)", origin, "The rules must be a JSON array of rule objects."));
                return new RuleSet([], errors, Configured: true);
            }

            var index = 0;
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var element in document.RootElement.EnumerateArray())
            {
                index++;
                if (index > MaxRules)
                {
                    errors.Add(new RuleError(ErrorIds.RuleInvalid, $"#{index}", origin, $"At most {MaxRules} rules are read; the rest are left out."));
                    break;
                }

                var label = $"#{index}";
                try
                {
                    var rule = ReadRule(element, index, origin, options, ref label);
                    if (!names.Add(rule.Name)) throw new RuleException(ErrorIds.RuleInvalid, $"another rule is named {rule.Name}: names must be unique");
                    rules.Add(rule);
                }
                catch (RuleException e)
                {
                    errors.Add(new RuleError(e.ErrorId, label, origin, $"Rule {label} is not valid: {e.Message}."));
                }
                catch (InvalidOperationException)
                {
                    // System.Text.Json refuses an escaped half of a surrogate pair as a string.
                    errors.Add(new RuleError(ErrorIds.RuleInvalid, label, origin, $"Rule {label} is not valid: it holds text that is not valid Unicode."));
                }
                catch (Exception e)
                {
                    // Whatever else a value makes a reader throw (a path GetFullPath refuses): an error of the rule, never an
                    // exception out of Parse. Only the type is named: the message may quote the value.
                    errors.Add(new RuleError(ErrorIds.RuleCheckInvalid, label, origin, $"Rule {label} is not valid: a value of it cannot be read ({e.GetType().Name})."));
                }
            }
        }

        return new RuleSet(rules, errors, Configured: true);
    }

    private static OnboardingRule ReadRule(JsonElement element, int index, string origin, VmEventOptions options, ref string label)
    {
        RequireObject(element, "a rule");
        Known(element, RuleProperties, "a rule");
        var name = Text(element, "Name") ?? $"Rule{index}";
        if (name.Length > 64 || !RuleName().IsMatch(name)) throw new RuleException(ErrorIds.RuleInvalid, "its Name must be 1-64 letters, digits, '-', '_' or '.'");
        if (string.Equals(name, RuleSet.SkipRuleName, StringComparison.OrdinalIgnoreCase) || string.Equals(name, RuleSet.DefaultRuleName, StringComparison.OrdinalIgnoreCase))
        {
            throw new RuleException(ErrorIds.RuleInvalid, $"its Name {name} is the name of a built-in rule ({RuleSet.SkipRuleName}, {RuleSet.DefaultRuleName})");
        }

        label = name;
        var match = Find(element, "Match") is { } m ? ReadMatch(m) : RuleConditions.Any;
        var skip = Find(element, "Skip") is { } s ? ReadSkip(s) : null;
        var checks = Find(element, "Checks") is { } c ? ReadChecks(c) : [];
        var action = Find(element, "Action") is { } a ? ReadAction(a, options, "Action") : null;
        var offboarding = Find(element, "Offboarding") is { } o ? ReadAction(o, options, "Offboarding") : null;
        if (skip is not null && (action is not null || offboarding is not null || checks.Count > 0))
        {
            throw new RuleException(ErrorIds.RuleInvalid, "a Skip rule names no Checks, Action or Offboarding");
        }

        var deletedOnly = match.Events.Count > 0 && match.Events.All(e => e == VmEventKind.Deleted);
        if (deletedOnly && action is not null)
        {
            // A rule for deleted VMs only: its action is the offboarding.
            if (offboarding is not null) throw new RuleException(ErrorIds.RuleInvalid, "a rule for Deleted events only names its runbook once (Action or Offboarding)");
            (offboarding, action) = (action, null);
        }

        if (skip is null && !deletedOnly && action is null)
        {
            action = RuleSet.DefaultAction(options)
                ?? throw new RuleException(ErrorIds.RuleInvalid, "it names no Action and no Skip, and there is no default runbook (AutomationAccountId and RunbookName)");
        }

        return new OnboardingRule { Name = name, Origin = origin, Match = match, Checks = checks, Action = action, Offboarding = offboarding, SkipReason = skip };
    }

    private static string ReadSkip(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => "skipped by rule",
        JsonValueKind.String when element.GetString() is { Length: > 0 and <= 500 } reason => reason,
        _ => throw new RuleException(ErrorIds.RuleInvalid, "Skip is true or a reason (1-500 characters)"),
    };

    private static RuleConditions ReadMatch(JsonElement element)
    {
        RequireObject(element, "Match");
        Known(element, MatchProperties, "Match");
        var scopes = List(element, "Scopes");
        if (scopes.FirstOrDefault(s => s != "*" && !Scope().IsMatch(s)) is { } bad)
        {
            throw new RuleException(ErrorIds.RuleInvalid, $"Match.Scopes holds '{Cut(bad)}', which is not * nor /subscriptions/{{guid}}[/resourceGroups/{{name}}]");
        }

        var tags = List(element, "Tags").Select(t => TagCondition.Parse(t) ?? throw new RuleException(ErrorIds.RuleInvalid, "Match.Tags holds an entry without a key (key or key=pattern)")).ToArray();
        var os = List(element, "OsType");
        if (os.FirstOrDefault(o => !string.Equals(o, "Linux", StringComparison.OrdinalIgnoreCase) && !string.Equals(o, "Windows", StringComparison.OrdinalIgnoreCase)) is { } badOs)
        {
            throw new RuleException(ErrorIds.RuleInvalid, $"Match.OsType holds '{Cut(badOs)}': expected Linux or Windows");
        }

        var events = List(element, "Events").Select(e => System.Enum.TryParse<VmEventKind>(e, ignoreCase: true, out var kind) && System.Enum.IsDefined(kind) && !int.TryParse(e, out _)
            ? kind
            : throw new RuleException(ErrorIds.RuleInvalid, $"Match.Events holds '{Cut(e)}': expected Created or Deleted")).Distinct().ToArray();
        return new RuleConditions { Scopes = scopes, Tags = tags, OsTypes = os, Locations = List(element, "Locations"), VmNames = List(element, "VmName"), Events = events };
    }

    private static RunbookActionSpec ReadAction(JsonElement element, VmEventOptions options, string what)
    {
        RequireObject(element, what);
        Known(element, ActionProperties, what);
        var runbook = Text(element, "Runbook") ?? throw new RuleException(ErrorIds.RuleInvalid, $"{what} names no Runbook");
        if (!RunbookName().IsMatch(runbook)) throw new RuleException(ErrorIds.RuleInvalid, $"{what}.Runbook is not a runbook name (a letter, then up to 62 letters, digits, '-' or '_')");
        var account = Text(element, "AutomationAccountId") ?? options.Automation.AutomationAccountId
            ?? throw new RuleException(ErrorIds.RuleInvalid, $"{what} names no AutomationAccountId, and the AutomationAccountId setting is empty");
        if (!AutomationAccount().IsMatch(account)) throw new RuleException(ErrorIds.RuleInvalid, $"{what}.AutomationAccountId is not an Automation account resource ID");
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Find(element, "Parameters") is { } p)
        {
            RequireObject(p, what + ".Parameters");
            foreach (var property in p.EnumerateObject())
            {
                if (!ParameterName().IsMatch(property.Name)) throw new RuleException(ErrorIds.RuleInvalid, $"{what}.Parameters names '{Cut(property.Name)}', which is not a parameter name");
                if (RunbookActionSpec.BuiltInParameters.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
                {
                    throw new RuleException(ErrorIds.RuleInvalid, $"{what}.Parameters names {property.Name}, which the engine gives every runbook itself ({string.Join(", ", RunbookActionSpec.BuiltInParameters)})");
                }

                if (property.Value.ValueKind != JsonValueKind.String) throw new RuleException(ErrorIds.RuleInvalid, $"{what}.Parameters.{property.Name} is not text");
                var template = property.Value.GetString()!;
                Template(template, $"{what}.Parameters.{property.Name}");
                if (!parameters.TryAdd(property.Name, template)) throw new RuleException(ErrorIds.RuleInvalid, $"{what}.Parameters names {property.Name} twice");
            }
        }

        return new RunbookActionSpec { AutomationAccountId = account, RunbookName = runbook, HybridWorkerGroup = Text(element, "HybridWorkerGroup") ?? options.Automation.HybridWorkerGroup, Parameters = parameters };
    }

    private static IReadOnlyList<CheckSpec> ReadChecks(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array) throw new RuleException(ErrorIds.RuleInvalid, "Checks is an array of checks");
        var checks = new List<CheckSpec>();
        var position = 0;
        foreach (var item in element.EnumerateArray())
        {
            position++;
            if (position > MaxChecks) throw new RuleException(ErrorIds.RuleCheckInvalid, $"it names more than {MaxChecks} checks");
            var check = ReadCheck(item, position);
            // Two checks of one kind without names: the second is "TcpPortCheck2", and so on.
            var name = check.Name;
            for (var n = 2; checks.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)); n++) name = check.Name + n;
            checks.Add(check with { Name = name });
        }

        return checks;
    }

    private static CheckSpec ReadCheck(JsonElement element, int position)
    {
        var what = $"check {position}";
        if (element.ValueKind != JsonValueKind.Object) throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what} is not an object");
        var kindText = Text(element, "Kind", ErrorIds.RuleCheckInvalid) ?? throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what} names no Kind");
        if (!System.Enum.TryParse<CheckKind>(kindText, ignoreCase: true, out var kind) || !System.Enum.IsDefined(kind) || int.TryParse(kindText, out _))
        {
            throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what} is of Kind '{Cut(kindText)}': expected one of {string.Join(", ", System.Enum.GetNames<CheckKind>())}");
        }

        what = $"check {position} ({kind})";
        var name = Text(element, "Name", ErrorIds.RuleCheckInvalid) ?? kind + "Check";
        if (name.Length > 64 || !RuleName().IsMatch(name)) throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}: its Name must be 1-64 letters, digits, '-', '_' or '.'");
        var seconds = Number(element, "TimeoutSeconds", what, 1, 3600);
        var (timeout, retryable, extra) = kind switch
        {
            CheckKind.Database => (0, true, new[] { "Provider", "Server", "Port", "Database", "User", "Password", "Encryption", "TrustServerCertificate", "HostNameInCertificate" }),
            CheckKind.TcpPort => (5, true, ["Host", "Port"]),
            CheckKind.Http => (10, true, ["Url", "ExpectedStatus", "TrustServerCertificate", "HostNameInCertificate", "Headers"]),
            CheckKind.Dns => (5, true, ["HostName", "Address"]),
            CheckKind.Tags => (0, false, ["Required"]),
            _ => (30, false, ["Path"]),
        };
        Known(element, CommonCheckProperties.Concat(extra).ToArray(), what, ErrorIds.RuleCheckInvalid);
        var common = (Name: (string)name, Timeout: TimeSpan.FromSeconds(seconds ?? timeout), Retryable: Flag(element, "Retryable", what) ?? retryable);
        return kind switch
        {
            CheckKind.Database => new DatabaseCheckSpec
            {
                Name = common.Name, Timeout = common.Timeout, Retryable = common.Retryable,
                Provider = EnumOf<DbProvider>(element, "Provider", what) ?? throw Missing(what, "Provider"),
                Server = TrustedHost(Text(element, "Server", ErrorIds.RuleCheckInvalid) ?? throw Missing(what, "Server"), what + ".Server"),
                Port = Number(element, "Port", what, 1, 65535),
                Database = Text(element, "Database", ErrorIds.RuleCheckInvalid),
                User = Text(element, "User", ErrorIds.RuleCheckInvalid),
                Password = Text(element, "Password", ErrorIds.RuleCheckInvalid),
                Encryption = EnumOf<DbEncryption>(element, "Encryption", what) ?? DbEncryption.Mandatory,
                TrustServerCertificate = Flag(element, "TrustServerCertificate", what) ?? false,
                HostNameInCertificate = Text(element, "HostNameInCertificate", ErrorIds.RuleCheckInvalid),
            },
            CheckKind.TcpPort => new TcpPortCheckSpec
            {
                Name = common.Name, Timeout = common.Timeout, Retryable = common.Retryable,
                Host = Template(Text(element, "Host", ErrorIds.RuleCheckInvalid) ?? "{PrivateIpAddress}", what + ".Host"),
                Port = Number(element, "Port", what, 1, 65535) ?? throw Missing(what, "Port"),
            },
            CheckKind.Http => ReadHttp(element, what, common),
            CheckKind.Dns => new DnsCheckSpec
            {
                Name = common.Name, Timeout = common.Timeout, Retryable = common.Retryable,
                HostName = Template(Text(element, "HostName", ErrorIds.RuleCheckInvalid) ?? throw Missing(what, "HostName"), what + ".HostName"),
                Address = Template(Text(element, "Address", ErrorIds.RuleCheckInvalid) ?? "{PrivateIpAddress}", what + ".Address"),
            },
            CheckKind.Tags => new TagsCheckSpec
            {
                Name = common.Name, Timeout = common.Timeout, Retryable = common.Retryable,
                Required = List(element, "Required", ErrorIds.RuleCheckInvalid) is { Count: > 0 } required
                    ? required.Select(t => TagCondition.Parse(t) ?? throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}: Required holds an entry without a key")).ToArray()
                    : throw Missing(what, "Required"),
            },
            _ => new ScriptCheckSpec
            {
                Name = common.Name, Timeout = common.Timeout, Retryable = common.Retryable,
                Path = Text(element, "Path", ErrorIds.RuleCheckInvalid) is { } path && path.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase)
                    ? System.IO.Path.GetFullPath(path)
                    : throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what} names no Path of a .ps1 script"),
            },
        };
    }

    private static HttpCheckSpec ReadHttp(JsonElement element, string what, (string Name, TimeSpan Timeout, bool Retryable) common)
    {
        var url = Template(Text(element, "Url", ErrorIds.RuleCheckInvalid) ?? throw Missing(what, "Url"), what + ".Url");
        // The host receives the headers (secrets): tags, anyone's with tag write, may fill the path and query only.
        if (FactTemplate.UrlHostPart(url) is { } host && FactTemplate.NamesTag(host))
        {
            throw new RuleException(ErrorIds.RuleTemplateInvalid, $"{what}.Url takes its host from a tag: a URL's host is made of trusted facts ({{PrivateIpAddress}}, {{VmName}}, ...) and text");
        }

        var sample = FactTemplate.Sample(url);
        if (FactTemplate.UrlHostPart(url) is null || !Uri.TryCreate(sample, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0)
        {
            // The URL is not quoted: a user:password@ in it would be a secret.
            throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}.Url is not an absolute http or https URL without user information");
        }

        IReadOnlyList<int> expected = [200];
        if (Find(element, "ExpectedStatus") is { } status)
        {
            var items = status.ValueKind == JsonValueKind.Array ? status.EnumerateArray().ToArray() : [status];
            if (items.Length == 0 || items.Any(i => i.ValueKind != JsonValueKind.Number || !i.TryGetInt32(out var code) || code is < 100 or > 599))
            {
                throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}.ExpectedStatus is a status code (100-599) or an array of them");
            }

            expected = items.Select(i => i.GetInt32()).ToArray();
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Find(element, "Headers") is { } h)
        {
            if (h.ValueKind != JsonValueKind.Object) throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}.Headers is an object of names and values");
            foreach (var header in h.EnumerateObject())
            {
                if (!HeaderName().IsMatch(header.Name) || header.Value.ValueKind != JsonValueKind.String) throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}.Headers holds a header that is not a name with a text value");
                headers[header.Name] = header.Value.GetString()!;
            }
        }

        return new HttpCheckSpec
        {
            Name = common.Name, Timeout = common.Timeout, Retryable = common.Retryable, Url = url, ExpectedStatus = expected,
            TrustServerCertificate = Flag(element, "TrustServerCertificate", what) ?? false,
            HostNameInCertificate = Text(element, "HostNameInCertificate", ErrorIds.RuleCheckInvalid) is { } certificateName ? TrustedHost(certificateName, what + ".HostNameInCertificate") : null,
            Headers = headers,
        };
    }

    private static string Template(string template, string what) =>
        FactTemplate.Problem(template) is { } problem ? throw new RuleException(ErrorIds.RuleTemplateInvalid, $"{what} is not a valid template: {problem}") : template;

    // A host that receives a secret (a database password): made of trusted facts, never of a tag.
    private static string TrustedHost(string template, string what) =>
        FactTemplate.NamesTag(Template(template, what))
            ? throw new RuleException(ErrorIds.RuleTemplateInvalid, $"{what} takes its host from a tag: a host that receives a secret is made of trusted facts ({{PrivateIpAddress}}, {{VmName}}, ...) and text")
            : template;

    private static RuleException Missing(string what, string property) => new(ErrorIds.RuleCheckInvalid, $"{what} names no {property}");

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new RuleException(ErrorIds.RuleInvalid, $"{what} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object");
    }

    private static void Known(JsonElement element, string[] known, string what, string errorId = ErrorIds.RuleInvalid)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new RuleException(errorId, $"{what} has the property '{Cut(property.Name)}', which is not one of {string.Join(", ", known)}");
            }

            if (!seen.Add(property.Name)) throw new RuleException(errorId, $"{what} has the property {property.Name} twice");
        }
    }

    private static JsonElement? Find(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value.ValueKind == JsonValueKind.Null ? null : property.Value;
        }

        return null;
    }

    private static string? Text(JsonElement element, string name, string errorId = ErrorIds.RuleInvalid) => Find(element, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value when value.GetString() is { Length: > 0 and <= 4096 } text => text,
        _ => throw new RuleException(errorId, $"{name} is not text of 1-4096 characters"),
    };

    private static IReadOnlyList<string> List(JsonElement element, string name, string errorId = ErrorIds.RuleInvalid)
    {
        if (Find(element, name) is not { } value) return [];
        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value];
        if (items.Any(i => i.ValueKind != JsonValueKind.String || i.GetString() is not { Length: > 0 and <= 1024 })) throw new RuleException(errorId, $"{name} is text or an array of text");
        return items.Select(i => i.GetString()!).ToArray();
    }

    private static int? Number(JsonElement element, string name, string what, int least, int most) => Find(element, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var number) && number >= least && number <= most => number,
        _ => throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}.{name} is a whole number from {least} to {most}"),
    };

    private static bool? Flag(JsonElement element, string name, string what) => Find(element, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}.{name} is true or false"),
    };

    private static T? EnumOf<T>(JsonElement element, string name, string what) where T : struct, System.Enum
    {
        if (Text(element, name, ErrorIds.RuleCheckInvalid) is not { } text) return null;
        return System.Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } known
            ? System.Enum.Parse<T>(known)
            : throw new RuleException(ErrorIds.RuleCheckInvalid, $"{what}.{name} is '{Cut(text)}': expected one of {string.Join(", ", System.Enum.GetNames<T>())}");
    }

    private static string Cut(string text) => SecretRedactor.Quote(text, 40);

    [GeneratedRegex(@"^[\p{L}\p{Nd}_.-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RuleName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,62}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RunbookName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();

    [GeneratedRegex(@"^/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(/resourceGroups/[-\w.()]{1,90})?/?\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Scope();

    [GeneratedRegex(@"^/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/resourceGroups/[-\w.()]{1,90}/providers/Microsoft\.Automation/automationAccounts/[-\w]{6,50}\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AutomationAccount();

    private sealed class RuleException(string errorId, string message) : Exception(message)
    {
        public string ErrorId { get; } = errorId;
    }
}
