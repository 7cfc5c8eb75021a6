using System.Collections;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Tests.Infrastructure;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Tests.Configuration;

public sealed class ConfigurationLoaderTests : IDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly TempDirectory _temp = new();
    private readonly RecordingHostLog _log = new();
    private readonly Hashtable _environment = new();

    public void Dispose() => _temp.Dispose();

    private VmEventConfiguration Load(string? settingsPath = null, string? environment = null, Dictionary<string, string>? parameters = null) =>
        new ConfigurationLoader(_log, () => _environment).Load(new ConfigurationRequest
        {
            SettingsPath = settingsPath,
            Environment = environment,
            Parameters = (parameters ?? []).Aggregate(new SettingOverrides(), (layer, p) => layer.SetText(p.Key, p.Value)),
            BaseDirectory = _temp.Path,
        });

    private static VmEventSetting Setting(VmEventConfiguration configuration, string name) =>
        configuration.Settings.Single(s => s.Name == name);

    [Fact]
    public void Load_WithNothingConfigured_ShouldUseBuiltInDefaults()
    {
        var configuration = Load();

        Assert.Equal(5, configuration.Options.MaxAttempts);
        Assert.Equal("vm-events", configuration.Options.QueueName);
        Assert.Equal("vm-events-retry", configuration.Options.RetryQueueName);
        Assert.Equal("vm-events-succeeded", configuration.Options.SucceededQueueName);
        Assert.Equal("vm-events-poison", configuration.Options.PoisonQueueName);
        Assert.Equal(new Uri("https://management.azure.com/"), configuration.Options.ArmEndpoint);
        Assert.Equal(AuthMode.Auto, configuration.Options.AuthMode);
        Assert.All(configuration.Settings, s => Assert.Equal(ConfigurationLayer.Default, s.Source));
        Assert.Equal("built-in", Setting(configuration, "MaxAttempts").Origin);
    }

    [Fact]
    public void Load_WithEveryLayer_ShouldTakeEachSettingFromTheHighestLayerThatHasIt()
    {
        var file = _temp.Write("settings.json", """{ "MaxAttempts": 3, "QueueName": "from-file", "RunbookName": "Onboard-Vm" }""");
        _environment["VMEVENTOPS_MAXATTEMPTS"] = "7";
        _environment["VMEVENTOPS_QUEUENAME"] = "from-env";

        var configuration = Load(file, parameters: new() { ["QueueName"] = "from-parameter" });

        Assert.Equal(7, configuration.Options.MaxAttempts);
        Assert.Equal(ConfigurationLayer.Environment, Setting(configuration, "MaxAttempts").Source);
        Assert.Equal("environment variable VMEVENTOPS_MAXATTEMPTS", Setting(configuration, "MaxAttempts").Origin);
        Assert.Equal("from-parameter", configuration.Options.QueueName);
        Assert.Equal(ConfigurationLayer.Parameter, Setting(configuration, "QueueName").Source);
        Assert.Equal("Onboard-Vm", configuration.Options.RunbookName);
        Assert.Equal(ConfigurationLayer.SettingsFile, Setting(configuration, "RunbookName").Source);
        Assert.Equal(file, Setting(configuration, "RunbookName").Origin);
        Assert.Equal(ConfigurationLayer.Default, Setting(configuration, "RetryQueueName").Source);
    }

    [Fact]
    public void Load_WithEnvironmentVariableNamesInAnyCase_ShouldReadThem()
    {
        _environment["vmeventops_maxattempts"] = "9";

        Assert.Equal(9, Load().Options.MaxAttempts);
    }

    [Fact]
    public void Load_WithNamedEnvironment_ShouldApplyItsSectionOverTheTopLevel()
    {
        var file = _temp.Write("settings.json", """
            {
              // comments are allowed
              "MaxAttempts": 3,
              "DbServer": "sql-dev",
              "Prod": { "DbServer": "sql-prod", "DbPort": 1433 },
              "Test": { "DbServer": "sql-test" },
            }
            """);

        var configuration = Load(file, environment: "prod");

        Assert.Equal("Prod", configuration.Environment);
        Assert.Equal("sql-prod", configuration.Options.DbServer);
        Assert.Equal(1433, configuration.Options.DbPort);
        Assert.Equal(3, configuration.Options.MaxAttempts);
        Assert.Equal($"{file} [Prod]", Setting(configuration, "DbServer").Origin);
        Assert.Equal("Prod", Setting(configuration, "Environment").Value);
    }

    [Fact]
    public void Load_WithSettingsAndEnvironmentFromVariables_ShouldUseThem()
    {
        var file = _temp.Write("settings.json", """{ "Test": { "MaxAttempts": 2 } }""");
        _environment["VMEVENTOPS_SETTINGS"] = file;
        _environment["VMEVENTOPS_ENVIRONMENT"] = "Test";

        var configuration = Load();

        Assert.Equal(2, configuration.Options.MaxAttempts);
        Assert.Equal(ConfigurationLayer.Environment, Setting(configuration, "Settings").Source);
        Assert.Equal(file, Setting(configuration, "Settings").Value);
    }

    [Fact]
    public void Load_WithRelativeSettingsPath_ShouldResolveAgainstTheBaseDirectory()
    {
        _temp.Write("relative.json", """{ "MaxAttempts": 4 }""");

        Assert.Equal(4, Load("relative.json").Options.MaxAttempts);
    }

    [Fact]
    public void Load_WithFunctionsLocalSettings_ShouldReadVmEventOpsKeysFromValuesAndIgnoreTheHostsKeys()
    {
        var file = _temp.Write("local.settings.json", """
            {
              "IsEncrypted": false,
              "Values": {
                "FUNCTIONS_WORKER_RUNTIME": "powershell",
                "AzureWebJobsStorage": "UseDevelopmentStorage=true",
                "VMEVENTOPS_MAXATTEMPTS": "6",
                "VMEVENTOPS_ALLOWEDSCOPES": "/subscriptions/00000000-0000-0000-0000-000000000001, /subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-app"
              },
              "Host": { "LocalHttpPort": 7071 },
              "ConnectionStrings": {}
            }
            """);

        var configuration = Load(file);

        Assert.Equal(6, configuration.Options.MaxAttempts);
        Assert.Equal(2, configuration.Options.AllowedScopes.Count);
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-app", configuration.Options.AllowedScopes[1]);
        Assert.Equal($"{file} [Values]", Setting(configuration, "MaxAttempts").Origin);
    }

    [Fact]
    public void Load_WithScopesAsJsonArray_ShouldReadEveryScope()
    {
        var file = _temp.Write("settings.json", """{ "AllowedScopes": ["*"] }""");

        Assert.Equal(["*"], Load(file).Options.AllowedScopes);
    }

    [Fact]
    public void Load_WithDurationsAsTimeSpanOrSeconds_ShouldReadBoth()
    {
        var file = _temp.Write("settings.json", """{ "RetryBaseDelay": "00:01:30", "RetryMaxDelay": 7200 }""");

        var options = Load(file).Options;

        Assert.Equal(TimeSpan.FromSeconds(90), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromHours(2), options.RetryMaxDelay);
    }

    [Fact]
    public void Load_WithMissingFile_ShouldFailWithFileNotFoundNamingThePath()
    {
        var path = Path.Combine(_temp.Path, "missing.json");

        var error = Assert.Throws<VmEventOpsException>(() => Load(path));

        Assert.Equal(ErrorIds.SettingsFileNotFound, error.ErrorId);
        Assert.Equal(VmErrorCategory.ObjectNotFound, error.Category);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Load_WithInvalidJson_ShouldFailNamingTheFileAndLineButNotQuotingTheContent()
    {
        var file = _temp.Write("settings.json", "{\n  \"DbPassword\": \"s3cret-value\",\n  \"MaxAttempts\": five\n}");

        var error = Assert.Throws<VmEventOpsException>(() => Load(file));

        Assert.Equal(ErrorIds.SettingsFileInvalid, error.ErrorId);
        Assert.Contains(file, error.Message);
        Assert.Contains("line 3", error.Message);
        Assert.DoesNotContain("s3cret", error.ToString());
        Assert.DoesNotContain("five", error.Message);
    }

    [Fact]
    public void Load_WithRootThatIsNotAnObject_ShouldFailAsInvalidFile()
    {
        var file = _temp.Write("settings.json", "[1, 2]");

        Assert.Equal(ErrorIds.SettingsFileInvalid, Assert.Throws<VmEventOpsException>(() => Load(file)).ErrorId);
    }

    [Fact]
    public void Load_WithUnknownSettingInFile_ShouldFailNamingTheFileAndTheKey()
    {
        var file = _temp.Write("settings.json", """{ "MaxAttempt": 5 }""");

        var error = Assert.Throws<VmEventOpsException>(() => Load(file));

        Assert.Equal(ErrorIds.UnknownSetting, error.ErrorId);
        Assert.Contains(file, error.Message);
        Assert.Contains("'MaxAttempt'", error.Message);
        Assert.Contains("MaxAttempts", error.Message); // the known names are listed
    }

    [Fact]
    public void Load_WithUnknownSettingInEnvironmentSection_ShouldFail()
    {
        var file = _temp.Write("settings.json", """{ "Prod": { "Nonsense": 1 } }""");

        var error = Assert.Throws<VmEventOpsException>(() => Load(file, "Prod"));

        Assert.Equal(ErrorIds.UnknownSetting, error.ErrorId);
        Assert.Contains("[Prod]", error.Message);
    }

    [Theory]
    [InlineData("""{ "MaxAttempts": "five" }""", "MaxAttempts", "a whole number from 1 to 100")]
    [InlineData("""{ "MaxAttempts": 0 }""", "MaxAttempts", "a whole number from 1 to 100")]
    [InlineData("""{ "MaxAttempts": 2.5 }""", "MaxAttempts", "a whole number")]
    [InlineData("""{ "DbPort": 70000 }""", "DbPort", "from 1 to 65535")]
    [InlineData("""{ "AuthMode": "Magic" }""", "AuthMode", "one of Auto, ManagedIdentity")]
    [InlineData("""{ "ArmEndpoint": "http://management.azure.com/" }""", "ArmEndpoint", "an absolute https URI")]
    [InlineData("""{ "QueueName": "Bad_Queue" }""", "QueueName", "a queue name")]
    [InlineData("""{ "RetryBaseDelay": "soon" }""", "RetryBaseDelay", "a duration")]
    [InlineData("""{ "AutomationJobWindow": "00:00:00.500" }""", "AutomationJobWindow", "from 1 s to 1 day")]
    [InlineData("""{ "MessageLease": 0 }""", "MessageLease", "from 1 s to 7 days")]
    [InlineData("""{ "MessageLease": "7.00:00:01" }""", "MessageLease", "from 1 s to 7 days")]
    [InlineData("""{ "RunbookPollInterval": "0" }""", "RunbookPollInterval", "from 1 s to 1 h")]
    [InlineData("""{ "RunbookTimeout": "10675199.02:48:05" }""", "RunbookTimeout", "from 1 s to 7 days")]
    [InlineData("""{ "RetryMaxDelay": "8.00:00:00" }""", "RetryMaxDelay", "from 0 s to 7 days")]
    [InlineData("""{ "SucceededMessageTtl": 0 }""", "SucceededMessageTtl", "a duration")]
    [InlineData("""{ "StorageConnectionString": "AccountName=x;AccountKey=;Nonsense" }""", "StorageConnectionString", "a storage connection string")]
    [InlineData("""{ "AutomationJobsPerWindow": 0 }""", "AutomationJobsPerWindow", "a whole number from 1 to 10000")]
    [InlineData("""{ "AllowedScopes": "/subscriptions/not-a-guid" }""", "AllowedScopes", "'/subscriptions/not-a-guid'")]
    [InlineData("""{ "AllowedScopes": [1] }""", "AllowedScopes", "an array of strings")]
    [InlineData("""{ "MaxAttempts": { "x": 1 } }""", "MaxAttempts", "is a JSON object")]
    public void Load_WithWrongTypeInFile_ShouldFailNamingTheFileTheKeyAndWhatIsExpected(string json, string key, string expected)
    {
        var file = _temp.Write("settings.json", json);

        var error = Assert.Throws<VmEventOpsException>(() => Load(file));

        Assert.Contains(key, error.Message);
        Assert.Contains(file, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_WithWrongTypeInEnvironmentVariable_ShouldFailNamingTheVariable()
    {
        _environment["VMEVENTOPS_MAXATTEMPTS"] = "five";

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Equal(VmErrorCategory.InvalidArgument, error.Category);
        Assert.Contains("environment variable VMEVENTOPS_MAXATTEMPTS", error.Message);
        Assert.Contains("'five'", error.Message);
    }

    [Fact]
    public void Load_WithWrongTypeInParameter_ShouldFailNamingTheParameter()
    {
        var error = Assert.Throws<VmEventOpsException>(() => Load(parameters: new() { ["DbPort"] = "x" }));

        Assert.Contains("parameter -DbPort", error.Message);
    }

    [Fact]
    public void Load_WithInvalidSecret_ShouldNotRepeatTheSecretInTheError()
    {
        var file = _temp.Write("settings.json", """{ "StorageConnectionString": ["AccountKey=pl4nted-Secr3t-Qz"] }""");
        _environment["VMEVENTOPS_DBPASSWORD"] = "   ";

        var error = Assert.Throws<VmEventOpsException>(() => Load(file));

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.DoesNotContain("pl4nted-Secr3t-Qz", error.Message);
    }

    [Fact]
    public void Load_WithUnknownEnvironment_ShouldFailListingTheSectionsTheFileHas()
    {
        var file = _temp.Write("settings.json", """{ "Local": {}, "Test": {} }""");

        var error = Assert.Throws<VmEventOpsException>(() => Load(file, "Prod"));

        Assert.Equal(ErrorIds.UnknownEnvironment, error.ErrorId);
        Assert.Contains("'Prod'", error.Message);
        Assert.Contains("Local, Test", error.Message);
    }

    [Fact]
    public void Load_WithEnvironmentButNoSettingsFile_ShouldFailSayingHowToGiveOne()
    {
        var error = Assert.Throws<VmEventOpsException>(() => Load(environment: "Prod"));

        Assert.Equal(ErrorIds.UnknownEnvironment, error.ErrorId);
        Assert.Contains("VMEVENTOPS_SETTINGS", error.Message);
    }

    [Fact]
    public void Load_WithSameSettingTwiceInFile_ShouldFailAsDuplicate()
    {
        var file = _temp.Write("settings.json", """{ "MaxAttempts": 3, "Values": { "VMEVENTOPS_MAXATTEMPTS": "4" } }""");

        Assert.Equal(ErrorIds.DuplicateSetting, Assert.Throws<VmEventOpsException>(() => Load(file)).ErrorId);
    }

    [Fact]
    public void Load_WithUnknownEnvironmentVariable_ShouldWarnAndGoOn()
    {
        _environment["VMEVENTOPS_MAXATTEMPT"] = "3";
        _environment["OTHER_SETTING"] = "x";

        var configuration = Load();

        Assert.Equal(5, configuration.Options.MaxAttempts);
        var warning = Assert.Single(_log.Warnings);
        Assert.Contains("VMEVENTOPS_MAXATTEMPT", warning);
    }

    [Fact]
    public void Load_WithSecrets_ShouldMaskThemInSettingsAndVerboseOutput()
    {
        var connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1";
        _environment["VMEVENTOPS_STORAGECONNECTIONSTRING"] = connectionString;
        _environment["VMEVENTOPS_DBPASSWORD"] = "P@ssw0rd!";
        _environment["VMEVENTOPS_ACCESSTOKEN"] = "token-value-123";

        var configuration = Load();

        Assert.Equal(connectionString, configuration.Options.StorageConnectionString);
        Assert.Equal("P@ssw0rd!", configuration.Options.DbPassword);
        Assert.Equal("***", Setting(configuration, "DbPassword").Value);
        Assert.Equal("***", Setting(configuration, "AccessToken").Value);
        var shownConnection = Setting(configuration, "StorageConnectionString").Value;
        Assert.Equal("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=***;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1", shownConnection);
        var everythingShown = string.Join("\n", configuration.Settings.Select(s => s.Value)) + _log.AllText;
        Assert.DoesNotContain(AccountKey, everythingShown);
        Assert.DoesNotContain("P@ssw0rd!", everythingShown);
        Assert.DoesNotContain("token-value-123", everythingShown);
        Assert.Equal("password was *** here", configuration.Redactor.Redact("password was P@ssw0rd! here"));
    }

    [Fact]
    public void Load_ShouldListTheMetaSettingsFirstThenEverySettingOnce()
    {
        var names = Load().Settings.Select(s => s.Name).ToArray();

        Assert.Equal(["Settings", "Environment"], names[..2]);
        Assert.Equal(SettingsCatalog.All.Select(s => s.Name), names[2..]);
    }

    [Fact]
    public void Load_KeyVaultReferenceInASecretSetting_ShouldKeepItForResolutionAndShowItMaskedWithItsVault()
    {
        var file = _temp.Write("settings.json", """{ "DbPassword": "@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=db-password)", "DbUser": "app" }""");

        var configuration = Load(file);

        Assert.Null(configuration.Options.DbPassword);
        var reference = Assert.Single(configuration.KeyVaultReferences);
        Assert.Equal("DbPassword", reference.Name);
        Assert.Equal(new Uri("https://kv-onboarding.vault.azure.net/"), reference.Reference.VaultUriIn(configuration.Options.KeyVaultDnsSuffix));
        var setting = Setting(configuration, "DbPassword");
        Assert.Equal("***", setting.Value);
        Assert.Equal("KeyVault(kv-onboarding/db-password)", setting.KeyVaultSecret);
        Assert.Equal(ConfigurationLayer.SettingsFile, setting.Source);
        Assert.Null(Setting(configuration, "DbUser").KeyVaultSecret);
        Assert.Contains(_log.Verbose, m => m == $"DbPassword = *** from KeyVault(kv-onboarding/db-password) ({setting.Origin}).");
    }

    [Fact]
    public void Load_KeyVaultReferenceOverriddenByAValue_ShouldUseTheValue()
    {
        _environment["VMEVENTOPS_DBPASSWORD"] = "@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=db-password)";

        var configuration = Load(parameters: new() { ["DbPassword"] = "typed-in-secret" });

        Assert.Equal("typed-in-secret", configuration.Options.DbPassword);
        Assert.Empty(configuration.KeyVaultReferences);
        Assert.Null(Setting(configuration, "DbPassword").KeyVaultSecret);
    }

    [Fact]
    public void Load_KeyVaultReferenceInASettingThatIsNotSecret_ShouldBeRefused()
    {
        _environment["VMEVENTOPS_DBSERVER"] = "@Microsoft.KeyVault(VaultName=kv-onboarding;SecretName=db-server)";

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.KeyVaultReferenceInvalid, error.ErrorId);
        Assert.Contains("only secret settings may", error.Message);
        Assert.Contains("DbPassword", error.Message);
    }

    [Fact]
    public void Load_MalformedKeyVaultReference_ShouldSayWhatIsWrongWithoutRepeatingIt()
    {
        _environment["VMEVENTOPS_CLIENTSECRET"] = "@Microsoft.KeyVault(SecretUri=http://kv-onboarding.vault.azure.net/secrets/sp-Secret-Text-42)";

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.KeyVaultReferenceInvalid, error.ErrorId);
        Assert.Contains("Setting ClientSecret in environment variable VMEVENTOPS_CLIENTSECRET", error.Message);
        Assert.Contains("must be an https URI", error.Message);
        Assert.DoesNotContain("sp-Secret-Text-42", error.Message);
    }

    [Theory]
    [InlineData("VMEVENTOPS_OTLPENDPOINT", "https://otel:S3cr3t-pw@collector.example:4318/")]
    [InlineData("VMEVENTOPS_QUEUESERVICEURI", "https://S3cr3t-pw@acct.queue.core.windows.net/")]
    [InlineData("VMEVENTOPS_ARMENDPOINT", "https://:S3cr3t-pw@management.azure.com/")]
    [InlineData("VMEVENTOPS_ARMENDPOINT", "https://admin:S3cr3t-pw-that-is-very-long-so-that-a-quote-of-eighty-characters-would-cut-it@management.azure.com/")]
    [InlineData("VMEVENTOPS_AUTHORITYHOST", "http://admin:S3cr3t-pw@login.example/")]
    public void Load_UriWithUserInformation_ShouldRefuseItWithoutShowingIt(string variable, string value)
    {
        _environment[variable] = value;

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Contains("without user information", error.Message);
        Assert.DoesNotContain("S3cr3t", error.ToString());
        Assert.DoesNotContain("S3cr3t", _log.AllText);
    }

    [Fact]
    public void Load_ASecretPastedIntoASettingThatQuotesWrongValues_ShouldBeMaskedInWhicheverLayerAndOrderItCame()
    {
        const string pasted = "Pa55word-pasted-41c2!";
        var file = _temp.Write("pasted.json", $$"""{ "RunbookName": "{{pasted}}", "Prod": { "DbPassword": "{{pasted}}" } }""");
        _environment["VMEVENTOPS_CLIENTSECRET"] = pasted;
        _environment["VMEVENTOPS_HYBRIDWORKERGROUP"] = "workers";
        foreach (var name in Enumerable.Range(0, 40).Select(i => $"VMEVENTOPS_UNRELATED{i}")) _environment[name] = "x";

        var fromFile = Assert.Throws<VmEventOpsException>(() => new ConfigurationLoader(_log, () => new Hashtable()).Load(new ConfigurationRequest { SettingsPath = file }));
        _environment["VMEVENTOPS_RUNBOOKNAME"] = pasted;
        var fromEnvironment = Assert.Throws<VmEventOpsException>(() => Load());

        foreach (var error in new[] { fromFile, fromEnvironment })
        {
            Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
            Assert.Contains("has the value '***'", error.Message);
            Assert.DoesNotContain("Pa55word", error.ToString());
        }
    }

    [Theory]
    [InlineData("https://svc:Pa55word-in-path-8d1e@files.example/settings.json")]
    [InlineData("ftp://svc:Pa55word-in-path-8d1e@files.example/")]
    public void Load_AUriGivenAsTheSettingsPath_ShouldNotShowItsUserInformation(string path)
    {
        _environment["VMEVENTOPS_SETTINGS"] = path;

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.SettingsFileNotFound, error.ErrorId);
        Assert.DoesNotContain("Pa55word", error.ToString());
        Assert.DoesNotContain("Pa55word", (string)error.Target!);
        Assert.DoesNotContain("Pa55word", _log.AllText);
    }
}
