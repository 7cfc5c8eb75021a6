using VmEventOps.Emulators;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Rules;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;
using VmEventOps.Engine.Workflow.Checks;

namespace VmEventOps.Engine.Tests.Workflow;

/// <summary>Several Database checks in one rule, each with its provider, server template and credentials, one password a Key Vault reference.</summary>
public sealed class RuleDatabaseCheckTests : IAsyncLifetime
{
    private KeyVaultEmulator _vault = null!;

    public async Task InitializeAsync() => _vault = await KeyVaultEmulator.StartAsync(TestTrust.Certificate, SafeIdentityEnvironment.Emulator.TenantId);

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    private static VmFacts Facts() => new(
        new VmNetworkInfo { VmResourceId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-db", VmId = Guid.NewGuid(), VmName = "vm-db", PrivateIpAddress = DatabaseServers.Host },
        new VmEvent { EventId = "e", EventType = EventFilter.ResourceWriteSuccess, Schema = EventSchema.EventGrid, Raw = "{}" });

    private static string Check(string name, string provider, int port, string password) =>
        $$"""{ "Kind": "Database", "Name": "{{name}}", "Provider": "{{provider}}", "Server": "{PrivateIpAddress}", "Port": {{port}}, "Database": "{{DatabaseServers.Database}}", "User": "{{DatabaseServers.User}}", "Password": "{{password}}", "Encryption": "Optional" }""";

    [Fact]
    public async Task Checks_SeveralDatabasesWithTheirOwnCredentials_ShouldEachLogIn_AReferencedPasswordReadFromTheVault()
    {
        DatabaseServers.EnsureListening(DatabaseServers.PostgreSqlPort);
        DatabaseServers.EnsureListening(DatabaseServers.MariaDbPort);
        _vault.SetSecret("pg-password", DatabaseServers.Password);
        var reference = $"@Microsoft.KeyVault(SecretUri={_vault.VaultUri}secrets/pg-password)";
        var options = new VmEventOptions
        {
            AutomationAccountId = WorkflowTestOptions.AutomationAccount, RunbookName = "Onboard-Vm", AuthMode = AuthMode.ManagedIdentity, KeyVaultAllowedHosts = [_vault.VaultUri.Authority],
            Rules = $$"""[{ "Name": "dbs", "Checks": [{{Check("Pg", "PostgreSql", DatabaseServers.PostgreSqlPort, reference)}}, {{Check("Maria", "MySql", DatabaseServers.MariaDbPort, DatabaseServers.Password)}}, {{Check("Wrong", "PostgreSql", DatabaseServers.PostgreSqlPort, "Planted-Wrong-Pa55")}}] }]""",
        };
        var rules = RuleSet.From(options);
        Assert.Empty(rules.Errors);
        var secrets = new KnownSecrets(SecretRedactor.ForOptions(options));
        var factory = new CheckFactory(options, NullHostLog.Instance, _ => Task.FromResult<string?>(null), secrets, new CheckServices(new CheckHttpClients(), VmEventEngine.Secrets, o => VmEventEngine.For(o).Tokens), null);

        var results = new List<CheckResult>();
        foreach (var check in factory.For(rules.Rules.Single(r => r.Name == "dbs"))) results.Add(await check.RunAsync(Facts(), CancellationToken.None));

        Assert.True(results[0].Passed, results[0].Failure?.Message);
        Assert.StartsWith("OK (PostgreSql", results[0].Summary);
        Assert.True(results[1].Passed, results[1].Failure?.Message);
        Assert.Equal((false, ErrorIds.DbCheckFailed, true), (results[2].Passed, results[2].Failure!.ErrorId, results[2].Failure!.IsTransient));
        Assert.Equal(1, _vault.Reads("pg-password"));
        // The vault's value is a secret from the moment it was read: no reason may carry it.
        Assert.Equal("x *** y", secrets.Redact($"x {DatabaseServers.Password} y"));
    }
}
