using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Rules;

/// <summary>The Rules setting read into rules: the default rule, every shape of rule and check, and an error id for each mistake.</summary>
public sealed class RuleParserTests
{
    // With the opt-in skip rule: each configured rule's position is its place in the list + 1.
    private static readonly VmEventOptions Options = new() { AutomationAccountId = WorkflowTestOptions.AutomationAccount, RunbookName = "Onboard-Vm", HybridWorkerGroup = "hw-default", SkipTag = "vmeventops:skip=true" };

    private static RuleSet Parse(string json, VmEventOptions? options = null) => RuleSet.From((options ?? Options) with { Rules = json });

    [Fact]
    public void From_WithNoRules_ShouldBeTheSkipRuleThenTodaysSettingsAsOneDefaultRule()
    {
        var rules = RuleSet.From(Options with { DbServer = "{PrivateIpAddress}", DbProvider = DbProvider.PostgreSql });

        Assert.False(rules.Configured);
        Assert.Equal([RuleSet.SkipRuleName, RuleSet.DefaultRuleName], rules.Rules.Select(r => r.Name));
        var rule = rules.Rules[1];
        Assert.Equal(("Onboard-Vm", "hw-default", 2), (rule.Action!.RunbookName, rule.Action.HybridWorkerGroup, rule.Position));
        var database = Assert.IsType<DatabaseCheckSpec>(Assert.Single(rule.Checks));
        Assert.Equal(("DatabaseCheck", DbProvider.PostgreSql, true), (database.Name, database.Provider, database.FromSettings));
        Assert.Equal(RuleConditions.Any, rule.Match);
    }

    [Fact]
    public void From_WithoutSkipTag_ShouldHaveNoSkipRule_SoATaggedVmIsTreatedAsBeforeRules()
    {
        var plain = RuleSet.From(Options with { SkipTag = null });
        var ownTag = RuleSet.From(Options with { SkipTag = "onboarding=off*" });

        Assert.Equal([RuleSet.DefaultRuleName], plain.Rules.Select(r => r.Name));
        Assert.Equal((RuleSet.SkipRuleName, "onboarding=off*", "the VM is tagged onboarding=off*"), (ownTag.Rules[0].Name, ownTag.Rules[0].Match.Tags.Single().ToString(), ownTag.Rules[0].SkipReason));
    }

    [Fact]
    public void From_WithNoDbServer_ShouldHaveADefaultRuleWithoutChecks() =>
        Assert.Empty(RuleSet.From(Options).Rules[1].Checks);

    [Fact]
    public void Parse_ACompleteRule_ShouldReadEveryConditionCheckAndAction()
    {
        var rules = Parse("""
        [{
          "Name": "linux-prod",
          "Match": { "Scopes": ["/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app"], "Tags": ["env=prod*", "owner"], "OsType": "Linux",
                     "Locations": ["westeurope"], "VmName": ["app-*", "web-?"], "Events": ["Created", "Deleted"] },
          "Checks": [
            { "Kind": "TcpPort", "Port": 22 },
            { "Kind": "TcpPort", "Port": 5986, "TimeoutSeconds": 3, "Retryable": false },
            { "Kind": "Http", "Url": "https://{PrivateIpAddress}:8443/health", "ExpectedStatus": [200, 204], "HostNameInCertificate": "app.corp.example" },
            { "Kind": "Dns", "HostName": "{VmName}.corp.example" },
            { "Kind": "Tags", "Required": ["costcenter=CC-*"] },
            { "Kind": "Database", "Name": "ProdDb", "Provider": "PostgreSql", "Server": "db-{VmName}.corp.example", "Port": 5432, "Database": "app", "User": "probe", "Password": "s3cret-Planted!" }
          ],
          "Action": { "Runbook": "Onboard-Linux", "HybridWorkerGroup": "hw-linux", "Parameters": { "Owner": "{Tag:owner}", "Os": "{OsType}" } },
          "Offboarding": { "Runbook": "Offboard-Vm" }
        }]
        """);

        Assert.Empty(rules.Errors);
        var rule = rules.Rules.Single(r => r.Name == "linux-prod");
        Assert.Equal(2, rule.Position);
        Assert.Equal(["env=prod*", "owner"], rule.Match.Tags.Select(t => t.ToString()));
        Assert.Equal([VmEventKind.Created, VmEventKind.Deleted], rule.Match.Events);
        Assert.Equal(["TcpPortCheck", "TcpPortCheck2", "HttpCheck", "DnsCheck", "TagsCheck", "ProdDb"], rule.Checks.Select(c => c.Name));
        Assert.Equal((TimeSpan.FromSeconds(5), true), (rule.Checks[0].Timeout, rule.Checks[0].Retryable));
        Assert.Equal((TimeSpan.FromSeconds(3), false), (rule.Checks[1].Timeout, rule.Checks[1].Retryable));
        Assert.Equal([200, 204], Assert.IsType<HttpCheckSpec>(rule.Checks[2]).ExpectedStatus);
        Assert.Equal(("Onboard-Linux", "hw-linux", WorkflowTestOptions.AutomationAccount), (rule.Action!.RunbookName, rule.Action.HybridWorkerGroup, rule.Action.AutomationAccountId));
        Assert.Equal(("Offboard-Vm", "hw-default"), (rule.Offboarding!.RunbookName, rule.Offboarding.HybridWorkerGroup));
    }

    [Fact]
    public void Parse_ARuleWithoutAnAction_ShouldTakeTheDefaultRunbook_AndASkipRuleNone()
    {
        var rules = Parse("""[{ "Name": "checks-only", "Checks": [{ "Kind": "TcpPort", "Port": 3389 }] }, { "Name": "sandbox", "Match": { "Tags": ["env=sandbox"] }, "Skip": "sandboxes are not onboarded" }]""");

        Assert.Equal("Onboard-Vm", rules.Rules[1].Action!.RunbookName);
        Assert.Equal(("sandboxes are not onboarded", null), (rules.Rules[2].SkipReason, rules.Rules[2].Action));
    }

    [Fact]
    public void Parse_ARuleForDeletedVmsOnly_ShouldTakeItsActionAsTheOffboarding()
    {
        var rule = Parse("""[{ "Name": "gone", "Match": { "Events": ["Deleted"] }, "Action": { "Runbook": "Remove-FromCmdb" } }]""").Rules[1];

        Assert.Equal((null, "Remove-FromCmdb"), (rule.Action, rule.Offboarding!.RunbookName));
    }

    [Theory]
    [InlineData("""{ "a": 1 }""", ErrorIds.RuleInvalid, "JSON array")]
    [InlineData("""[{ "Name": "x", "Colour": "red" }]""", ErrorIds.RuleInvalid, "'Colour'")]
    [InlineData("""[{ "Name": "x", "Match": { "OsType": "BeOS" } }]""", ErrorIds.RuleInvalid, "Linux or Windows")]
    [InlineData("""[{ "Name": "x", "Match": { "Scopes": ["/subscriptions/nope"] } }]""", ErrorIds.RuleInvalid, "Scopes")]
    [InlineData("""[{ "Name": "x", "Match": { "Events": ["Renamed"] } }]""", ErrorIds.RuleInvalid, "Created or Deleted")]
    [InlineData("""[{ "Name": "x", "Skip": true, "Action": { "Runbook": "R" } }]""", ErrorIds.RuleInvalid, "Skip rule")]
    [InlineData("""[{ "Name": "y" }, { "Name": "Y", "Skip": true }, { "Name": "x", "Skip": true, "Checks": [{ "Kind": "TcpPort", "Port": 1 }] }]""", ErrorIds.RuleInvalid, "unique")]
    [InlineData("""[{ "Name": "x", "Action": { "Runbook": "1bad" } }]""", ErrorIds.RuleInvalid, "runbook name")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Ping" }] }]""", ErrorIds.RuleCheckInvalid, "TcpPort")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "TcpPort" }] }]""", ErrorIds.RuleCheckInvalid, "names no Port")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "TcpPort", "Port": 70000 }] }]""", ErrorIds.RuleCheckInvalid, "1 to 65535")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "ftp://{PrivateIpAddress}/" }] }]""", ErrorIds.RuleCheckInvalid, "http or https")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "https://{PrivateIpAddress}/", "ExpectedStatus": 42 }] }]""", ErrorIds.RuleCheckInvalid, "100-599")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Script", "Path": "check.sh" }] }]""", ErrorIds.RuleCheckInvalid, ".ps1")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Dns", "HostName": "{Hostname}.corp" }] }]""", ErrorIds.RuleTemplateInvalid, "{Hostname}")]
    [InlineData("""[{ "Name": "x", "Action": { "Runbook": "R", "Parameters": { "Ip": "{PrivateIpAddress" } } }]""", ErrorIds.RuleTemplateInvalid, "not closed")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "https://{Tag:app}{PrivateIpAddress}/health", "Headers": { "Authorization": "Bearer t" } }] }]""", ErrorIds.RuleTemplateInvalid, "host from a tag")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "http://{PrivateIpAddress}.{tag:zone?}:8080/" }] }]""", ErrorIds.RuleTemplateInvalid, "host from a tag")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Database", "Provider": "PostgreSql", "Server": "{Tag:db}.corp.example", "Password": "pw" }] }]""", ErrorIds.RuleTemplateInvalid, "host from a tag")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "{PrivateIpAddress}https://x/" }] }]""", ErrorIds.RuleCheckInvalid, "http or https")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "https://{PrivateIpAddress}/", "HostNameInCertificate": "{Tag:cn}.corp.example" }] }]""", ErrorIds.RuleTemplateInvalid, "host from a tag")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "https://{PrivateIpAddress}/", "HostNameInCertificate": "{VmNam}.corp.example" }] }]""", ErrorIds.RuleTemplateInvalid, "{VmNam}")]
    [InlineData("""[{ "Name": "x", "Action": { "Runbook": "R", "Parameters": { "vmresourceid": "{Tag:target}" } } }]""", ErrorIds.RuleInvalid, "gives every runbook itself")]
    [InlineData("""[{ "Name": "SkipTagged" }]""", ErrorIds.RuleInvalid, "built-in rule")]
    [InlineData("""[{ "Name": "default" }]""", ErrorIds.RuleInvalid, "built-in rule")]
    [InlineData("""[{ "Name": "x", "Checks": [{ "Kind": "Script", "Path": "x\u0000.ps1" }] }]""", ErrorIds.RuleCheckInvalid, "cannot be read")]
    [InlineData("""[{ "Name": "x", "Offboarding": { "Runbook": "R", "Parameters": { "VmId": "{Tag:target}" } } }]""", ErrorIds.RuleInvalid, "gives every runbook itself")]
    [InlineData("""[{ "Name": "x", "Action": { "Runbook": "R", "Parameters": { "VmName": "{VmName}" } } }]""", ErrorIds.RuleInvalid, "gives every runbook itself")]
    public void Parse_AMistake_ShouldLeaveTheRuleOut_WithAStableErrorId(string json, string errorId, string says)
    {
        var rules = Parse(json);

        var error = rules.Errors[0];
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains(says, error.Message);
        Assert.Equal("the Rules setting", error.Origin);
        Assert.DoesNotContain(rules.Rules, r => r.Name == "x");
    }

    [Fact]
    public void Parse_ARuleNamedLikeABuiltInOne_ShouldBeLeftOut_SoOnlyTheBuiltInHoldsTheName() =>
        Assert.Equal([RuleSet.BuiltIn], Parse("""[{ "Name": "skiptagged", "Match": { "OsType": "Linux" } }]""").Rules.Select(r => r.Origin));

    [Fact]
    public void Parse_AnHttpCheckWithATagInItsPathOrQuery_ShouldBeValid() =>
        Assert.Empty(Parse("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "https://{PrivateIpAddress}:8443/apps/{Tag:app}?owner={Tag:owner?}" }] }]""").Errors);

    [Fact]
    public void View_OfAnHttpCheck_ShouldNotShowTheUrlsQuery()
    {
        var rule = Parse("""[{ "Name": "x", "Checks": [{ "Kind": "Http", "Url": "https://{PrivateIpAddress}:8443/health?code=Planted-Key-1&x=2" }] }]""").Rules.Single(r => r.Name == "x");

        var shown = Assert.Single(OnboardingRuleView.Of(rule).Checks);

        Assert.Contains("https://{PrivateIpAddress}:8443/health?***", shown);
        Assert.DoesNotContain("Planted-Key-1", shown);
    }

    [Fact]
    public void Parse_ARuleWithoutActionWhenNoRunbookIsSet_ShouldBeAnError() =>
        Assert.Equal(ErrorIds.RuleInvalid, Parse("""[{ "Name": "x" }]""", new VmEventOptions()).Errors.Single().ErrorId);

    [Fact]
    public void Parse_AnErrorAboutACheck_ShouldNeverQuoteItsPassword()
    {
        var rules = Parse("""[{ "Name": "x", "Checks": [{ "Kind": "Database", "Provider": "Oracle", "Server": "db", "Password": "s3cret-Planted!" }] }]""");

        Assert.DoesNotContain("s3cret-Planted!", rules.Errors.Single().Message);
    }

    [Theory]
    [InlineData("{VmName}-{Location}-{OsType}", "vm-01-westeurope-Linux")]
    [InlineData("{vmname}/{TAG:Owner}/{Tag:missing?}", "vm-01/ops-team/")]
    [InlineData("{{literal}} {PrivateIpAddress}", "{literal} 10.0.0.4")]
    [InlineData("{ResourceGroup}@{SubscriptionId}", "rg-app@11111111-2222-3333-4444-555555555555")]
    public void FactTemplate_ShouldReplaceEachFact(string template, string expected)
    {
        var vm = new VmNetworkInfo
        {
            VmResourceId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-01",
            VmId = Guid.NewGuid(), VmName = "vm-01", Location = "westeurope", OsType = "Linux", PrivateIpAddress = "10.0.0.4", Tags = new Dictionary<string, string> { ["owner"] = "ops-team" },
        };

        Assert.Null(FactTemplate.Problem(template));
        Assert.Equal(expected, FactTemplate.Render(template, vm));
    }

    [Fact]
    public void RuleSecrets_ShouldFindAndMaskPasswordsAndHeaders_ButNothingElse()
    {
        const string json = """[{ "Name": "x", "Checks": [{ "Kind": "Database", "Password": "pw-1234" }, { "Kind": "Http", "Headers": { "Authorization": "Bearer tok-5678" } }] }]""";

        Assert.Equal(["pw-1234", "Bearer tok-5678"], RuleSecrets.In(json));
        var shown = RuleSecrets.Redact(json);
        Assert.DoesNotContain("pw-1234", shown);
        Assert.DoesNotContain("tok-5678", shown);
        Assert.Contains("\"Kind\":\"Http\"", shown);
    }
}
