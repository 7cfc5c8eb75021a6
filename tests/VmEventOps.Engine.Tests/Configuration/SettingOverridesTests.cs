using System.Collections;
using System.Security;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Configuration;

/// <summary>The typed top layer: cmdlet parameters reach the options as values, with the checks text gets, secrets as SecureString.</summary>
public sealed class SettingOverridesTests
{
    private static VmEventConfiguration Load(SettingOverrides parameters) =>
        new ConfigurationLoader(new RecordingHostLog(), () => new Hashtable()).Load(new ConfigurationRequest { Parameters = parameters });

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    [Fact]
    public void Set_WithAPortInRange_ShouldReachTheOptionsAsTheNumber()
    {
        var configuration = Load(new SettingOverrides().Set(o => o.DbPort, 5433));

        Assert.Equal(5433, configuration.Options.DbPort);
        var shown = configuration.Settings.Single(s => s.Name == nameof(VmEventOptions.DbPort));
        Assert.Equal("5433", shown.Value);
        Assert.Equal(ConfigurationLayer.Parameter, shown.Source);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Set_WithAPortOutOfRange_ShouldFailWithInvalidValueNamingTheParameter(int port)
    {
        var error = Assert.Throws<VmEventOpsException>(() => Load(new SettingOverrides().Set(o => o.DbPort, port)));

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Contains("parameter -DbPort", error.Message);
    }

    [Fact]
    public void Set_WithNull_ShouldLeaveTheSettingToTheLowerLayers()
    {
        int? port = null;
        string? name = null;

        var configuration = Load(new SettingOverrides().Set(o => o.DbPort, port).Set(o => o.RunbookName, name).Set(o => o.DbTrustServerCertificate, (bool?)null));

        Assert.True(configuration.Settings.Where(s => s.Name is "DbPort" or "RunbookName" or "DbTrustServerCertificate").All(s => s.Source == ConfigurationLayer.Default));
    }

    [Fact]
    public void Set_WithAList_ShouldKeepItsItems_AndRefuseAnItemThatIsNoScope()
    {
        var configuration = Load(new SettingOverrides().Set(o => o.AllowedScopes, ["/subscriptions/11111111-2222-3333-4444-555555555555", " /subscriptions/11111111-2222-3333-4444-666666666666/resourceGroups/rg-a "]));
        var error = Assert.Throws<VmEventOpsException>(() => Load(new SettingOverrides().Set(o => o.AllowedScopes, ["/subscriptions/11111111-2222-3333-4444-555555555555", "not a scope"])));

        Assert.Equal(["/subscriptions/11111111-2222-3333-4444-555555555555", "/subscriptions/11111111-2222-3333-4444-666666666666/resourceGroups/rg-a"], configuration.Options.AllowedScopes);
        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Contains("item 2", error.Message);
    }

    [Fact]
    public void SetSecret_ShouldBindTheText_AndShowAndLogItMaskedOnly()
    {
        var log = new RecordingHostLog();
        var configuration = new ConfigurationLoader(log, () => new Hashtable()).Load(new ConfigurationRequest
        {
            Parameters = new SettingOverrides().SetSecret(o => o.AccessToken, Secure("eyJ-Typed-Token-Secret")),
        });

        Assert.Equal("eyJ-Typed-Token-Secret", configuration.Options.AccessToken);
        Assert.Equal(SecretRedactor.Mask, configuration.Settings.Single(s => s.Name == nameof(VmEventOptions.AccessToken)).Value);
        Assert.DoesNotContain("eyJ-Typed-Token-Secret", log.AllText);
        Assert.Equal($"token {SecretRedactor.Mask}", configuration.Redactor.Redact("token eyJ-Typed-Token-Secret"));
    }

    [Fact]
    public void SetSecret_ForASettingThatIsNoSecret_ShouldBeRefused() =>
        Assert.Throws<ArgumentException>(() => new SettingOverrides().SetSecret(o => o.RunbookName, Secure("x")));

    [Fact]
    public void SetText_WithAnEnumName_ShouldParseItOnce_AndRefuseANumber()
    {
        Assert.Equal(AuthMode.ManagedIdentity, Load(new SettingOverrides().SetText(o => o.AuthMode, "managedidentity")).Options.AuthMode);
        Assert.Equal(ErrorIds.InvalidSettingValue, Assert.Throws<VmEventOpsException>(() => Load(new SettingOverrides().SetText(o => o.AuthMode, "3"))).ErrorId);
    }

    [Fact]
    public void Set_WithAUriHoldingAPassword_ShouldBeRefusedWithoutShowingIt()
    {
        var error = Assert.Throws<VmEventOpsException>(() => Load(new SettingOverrides().Set(o => o.ArmEndpoint, new Uri("https://admin:Uri-Pass-Secret@arm.example/"))));

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.DoesNotContain("Uri-Pass-Secret", error.Message);
    }

    [Fact]
    public void TryAccept_ForEveryWholeNumberSetting_ShouldAgreeWithTheTextPath()
    {
        var random = new Random(2612);
        foreach (var setting in SettingsCatalog.All.Where(s => s.Property.PropertyType == typeof(int)))
        {
            foreach (var number in Enumerable.Range(0, 200).Select(_ => random.Next(-5, 100_000)).Append(int.MinValue).Append(int.MaxValue))
            {
                var typed = setting.TryAccept(number, out var accepted, out _);
                var text = setting.TryParse(number.ToString(System.Globalization.CultureInfo.InvariantCulture), out var parsed, out _);
                Assert.True(typed == text, $"{setting.Name} = {number}: typed {typed}, text {text}");
                if (typed) Assert.Equal(parsed, accepted);
            }
        }
    }

    [Fact]
    public void TryAccept_ForEveryDurationSetting_ShouldAgreeWithTheTextPath()
    {
        var random = new Random(2613);
        foreach (var setting in SettingsCatalog.All.Where(s => s.Property.PropertyType == typeof(TimeSpan)))
        {
            foreach (var seconds in Enumerable.Range(0, 200).Select(_ => random.Next(0, 40 * 86400)))
            {
                var span = TimeSpan.FromSeconds(seconds);
                Assert.Equal(setting.TryParse(SettingDefinition.Format(span), out _, out _), setting.TryAccept(span, out _, out _));
            }
        }
    }

    [Fact]
    public void TryAccept_WithAValueOfAnotherType_ShouldSayWhatItExpects()
    {
        var port = SettingsCatalog.Find(nameof(VmEventOptions.DbPort))!;

        Assert.False(port.TryAccept(TimeSpan.FromSeconds(3), out _, out var problem));
        Assert.Contains("whole number", problem);
    }
}
