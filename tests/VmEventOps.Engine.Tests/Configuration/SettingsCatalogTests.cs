using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Tests.Configuration;

public sealed class SettingsCatalogTests
{
    public static TheoryData<string> SettingNames => new(SettingsCatalog.All.Select(s => s.Name));

    [Fact]
    public void All_ShouldHoldEverySettingTheIssueNames()
    {
        string[] required =
        [
            "StorageConnectionString", "StorageAccountName", "QueueServiceUri", "TableServiceUri", "QueueName", "RetryQueueName",
            "SucceededQueueName", "PoisonQueueName", "StateTableName", "AllowedScopes", "ArmEndpoint", "AuthorityHost", "AuthMode",
            "ManagedIdentityClientId", "TenantId", "AccessToken", "AutomationAccountId", "RunbookName", "HybridWorkerGroup",
            "DbProvider", "DbServer", "DbPort", "DbName", "DbUser", "DbPassword", "MaxAttempts", "RetryBaseDelay", "RetryMaxDelay",
        ];

        Assert.Empty(required.Except(SettingsCatalog.All.Select(s => s.Name)));
    }

    [Theory]
    [MemberData(nameof(SettingNames))]
    public void Setting_ShouldHaveADescriptionAndAnEnvironmentForm(string name)
    {
        var setting = SettingsCatalog.Find(name.ToLowerInvariant())!;

        Assert.False(string.IsNullOrWhiteSpace(setting.Description));
        Assert.Equal("VMEVENTOPS_" + name.ToUpperInvariant(), setting.EnvironmentVariable);
        Assert.False(string.IsNullOrWhiteSpace(setting.Expected));
    }

    [Theory]
    [MemberData(nameof(SettingNames))]
    public void Default_WhenFormattedAndParsedAgain_ShouldGiveTheSameValue(string name)
    {
        var setting = SettingsCatalog.Find(name)!;
        if (setting.DefaultText is null) return; // no default: nothing to round-trip

        Assert.True(setting.TryParse(setting.DefaultText, out var value, out var problem), problem);
        Assert.Equal(setting.DefaultValue, value);
    }

    [Theory]
    [InlineData("StorageConnectionString")]
    [InlineData("DbPassword")]
    [InlineData("AccessToken")]
    [InlineData("ClientSecret")]
    [InlineData("ClientCertificatePassword")]
    public void Secrets_ShouldBeMarkedSecret(string name) => Assert.True(SettingsCatalog.Find(name)!.IsSecret);

    [Theory]
    [InlineData("QueueName", "vm-events")]
    [InlineData("QueueName", "a1b")]
    [InlineData("AllowedScopes", "*")]
    [InlineData("AllowedScopes", "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/RESOURCEGROUPS/Rg.(1)")]
    [InlineData("AutomationAccountId", "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa-onboard")]
    [InlineData("TenantId", "contoso.onmicrosoft.com")]
    [InlineData("QueueServiceUri", "http://127.0.0.1:10001/devstoreaccount1")]
    [InlineData("AuthMode", "managedidentity")]
    public void TryParse_WithValidText_ShouldAccept(string name, string text) =>
        Assert.True(SettingsCatalog.Find(name)!.TryParse(text, out _, out var problem), problem);

    [Theory]
    [InlineData("QueueName", "ab")]
    [InlineData("QueueName", "vm--events")]
    [InlineData("QueueName", "-vm-events")]
    [InlineData("AllowedScopes", "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/")]
    [InlineData("AllowedScopes", "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Compute")]
    [InlineData("AutomationAccountId", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/aa-onboard")]
    [InlineData("AuthMode", "1")]
    [InlineData("AuthMode", "Auto,Token")]
    [InlineData("RetryBaseDelay", "-00:00:01")]
    [InlineData("AuthorityHost", "login.microsoftonline.com")]
    public void TryParse_WithInvalidText_ShouldRefuseAndSayWhatIsExpected(string name, string text)
    {
        Assert.False(SettingsCatalog.Find(name)!.TryParse(text, out _, out var problem));
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }
}
