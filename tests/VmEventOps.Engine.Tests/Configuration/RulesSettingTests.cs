using System.Collections;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Configuration;

/// <summary>The Rules setting through the layers: a JSON array in a file and its environment sections, JSON text in a variable; shown with its secrets masked.</summary>
public sealed class RulesSettingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private VmEventConfiguration Load(string json, string? environment = null, Hashtable? variables = null)
    {
        var file = Path.Combine(_temp.Path, "settings.json");
        File.WriteAllText(file, json);
        return new ConfigurationLoader(NullHostLog.Instance, () => variables ?? new Hashtable()).Load(new ConfigurationRequest { SettingsPath = file, Environment = environment });
    }

    [Fact]
    public void Load_RulesAsAJsonArrayInTheFile_ShouldBeTheRulesSetting_AndAnEnvironmentSectionShouldReplaceThem()
    {
        const string json = """
        {
          "RunbookName": "Onboard-Vm",
          "Rules": [
            { "Name": "linux", "Match": { "OsType": "Linux" } }
          ],
          "Prod": { "Rules": [ { "Name": "prod-linux", "Match": { "OsType": "Linux", "Tags": ["env=prod"] } } ] }
        }
        """;

        var plain = Load(json);
        var prod = Load(json, "Prod");

        Assert.Equal(["linux"], RuleSet.From(plain.Options with { AutomationAccountId = WorkflowTestOptions.AutomationAccount }).Rules.Select(r => r.Name));
        Assert.Equal(["prod-linux"], RuleSet.From(prod.Options with { AutomationAccountId = WorkflowTestOptions.AutomationAccount }).Rules.Select(r => r.Name));
        Assert.Contains("[Prod]", prod.Settings.Single(s => s.Name == "Rules").Origin);
    }

    [Fact]
    public void Load_RulesInAnEnvironmentVariable_ShouldWinOverTheFile_EvenLaidOutOnLines()
    {
        var variables = new Hashtable { ["VMEVENTOPS_RULES"] = "[\n  { \"Name\": \"from-variable\", \"Skip\": true }\n]" };

        var configuration = Load("""{ "Rules": [ { "Name": "from-file", "Skip": true } ] }""", variables: variables);

        Assert.Equal("from-variable", RuleSet.From(configuration.Options).Rules.Single().Name);
    }

    [Fact]
    public void Load_RulesThatAreNotAnArray_ShouldBeAnInvalidValue()
    {
        var error = Assert.Throws<VmEventOpsException>(() => Load("""{ "Rules": { "Name": "x" } }"""));

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
    }

    [Fact]
    public void Load_ACheckPasswordInTheRules_ShouldBeMaskedWhereTheSettingIsShown_AndKnownToTheRedactor()
    {
        const string planted = "Rule-Pa55word-91";
        var configuration = Load($$"""
        {
          "Rules": [ {
            "Name": "db",
            "Checks": [ { "Kind": "Database", "Provider": "PostgreSql", "Server": "db", "Password": "{{planted}}" } ],
            "Action": { "Runbook": "R", "AutomationAccountId": "{{WorkflowTestOptions.AutomationAccount}}" }
          } ]
        }
        """);

        var shown = configuration.Settings.Single(s => s.Name == "Rules").Value!;

        Assert.DoesNotContain(planted, shown);
        Assert.Contains("\"Password\":\"***\"", shown);
        Assert.Equal("***", configuration.Redactor.Redact(planted));
        Assert.Equal("x *** y", SecretRedactor.ForOptions(configuration.Options).Redact($"x {planted} y"));
    }
}
