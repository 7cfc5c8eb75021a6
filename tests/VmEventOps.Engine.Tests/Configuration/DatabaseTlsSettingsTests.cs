using System.Collections;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Configuration;

/// <summary>The workflow's TLS settings of the database check: DbTrustServerCertificate (the first true/false setting) and DbHostNameInCertificate.</summary>
public sealed class DatabaseTlsSettingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Hashtable _environment = new();

    public void Dispose() => _temp.Dispose();

    private VmEventOptions Load(string? settingsPath = null) =>
        new ConfigurationLoader(NullHostLog.Instance, () => _environment).Load(new ConfigurationRequest { SettingsPath = settingsPath, BaseDirectory = _temp.Path }).Options;

    [Fact]
    public void Load_WithNothingConfigured_ShouldValidateCertificatesAgainstTheServerName()
    {
        var options = Load();

        Assert.False(options.DbTrustServerCertificate);
        Assert.Null(options.DbHostNameInCertificate);
        Assert.Equal("false", SettingsCatalog.Find("DbTrustServerCertificate")!.DefaultText);
    }

    [Fact]
    public void Load_DbTrustServerCertificateAsAJsonBooleanOrAVariable_ShouldReadIt()
    {
        var file = _temp.Write("settings.json", """{ "DbTrustServerCertificate": true, "DbHostNameInCertificate": "sql01.contoso.com" }""");

        var fromFile = Load(file);
        _environment["VMEVENTOPS_DBTRUSTSERVERCERTIFICATE"] = "FALSE";
        var fromVariable = Load(file);

        Assert.True(fromFile.DbTrustServerCertificate);
        Assert.Equal("sql01.contoso.com", fromFile.DbHostNameInCertificate);
        Assert.False(fromVariable.DbTrustServerCertificate);
    }

    [Theory]
    [InlineData("VMEVENTOPS_DBTRUSTSERVERCERTIFICATE", "yes", "true or false")]
    [InlineData("VMEVENTOPS_DBHOSTNAMEINCERTIFICATE", "sql01;Encrypt=false", "a DNS host name")]
    [InlineData("VMEVENTOPS_DBHOSTNAMEINCERTIFICATE", "sql01.contoso.com.", "a DNS host name")]
    public void Load_WithAValueThatIsNotOne_ShouldFailNamingTheVariableAndWhatIsExpected(string variable, string value, string expected)
    {
        _environment[variable] = value;

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Contains(variable, error.Message);
        Assert.Contains(expected, error.Message);
    }
}
