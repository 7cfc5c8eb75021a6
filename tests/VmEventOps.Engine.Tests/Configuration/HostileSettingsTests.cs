using System.Collections;
using System.Diagnostics;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Configuration;

/// <summary>
/// Settings as a careless operator or an attacker writes them: a connection string whose endpoint holds a password, URIs
/// with user information in shapes no URI parser recognises, a settings path that is a device or a pipe. Each is refused
/// with its ErrorId, naming the setting, never quoting the password, never reading without bound.
/// </summary>
public sealed class HostileSettingsTests : IDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const string Password = "Pr0beSecret";
    private readonly TempDirectory _temp = new();
    private readonly Hashtable _environment = new();

    public void Dispose() => _temp.Dispose();

    private VmEventConfiguration Load(string? settingsPath = null) =>
        new ConfigurationLoader(new RecordingHostLog(), () => _environment).Load(new ConfigurationRequest { SettingsPath = settingsPath, BaseDirectory = _temp.Path });

    [Theory]
    [InlineData("TableEndpoint=http://u:" + Password + "@127.0.0.1:1/devstoreaccount1")]
    [InlineData("QueueEndpoint=http://u:" + Password + "@127.0.0.1:20001/devstoreaccount1")]
    [InlineData("BlobEndpoint=https://" + Password + "@acct.blob.core.windows.net/")]
    public void Load_AConnectionStringWhoseEndpointHoldsUserInformation_ShouldBeRefusedNamingTheSettingNotTheValue(string endpoint)
    {
        _environment["VMEVENTOPS_STORAGECONNECTIONSTRING"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};{endpoint}";

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Equal("StorageConnectionString", error.Target);
        Assert.Contains("without user information", error.Message);
        Assert.DoesNotContain(Password, error.ToString());
        Assert.DoesNotContain(AccountKey, error.ToString());
    }

    [Theory]
    [InlineData("user:" + Password + "@127.0.0.1:20001/x")]
    [InlineData("https:\\\\user:" + Password + "@h.example.test/")]
    [InlineData("https:/user:" + Password + "@h.example.test/")]
    [InlineData("ftp:user:" + Password + "@h.example.test")]
    public void Load_AUriSettingWithUserInformationInAMalformedShape_ShouldNeverShowThePassword(string value)
    {
        _environment["VMEVENTOPS_QUEUESERVICEURI"] = value;

        var error = Assert.Throws<VmEventOpsException>(() => Load());

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.Contains("QueueServiceUri", error.Message);
        Assert.DoesNotContain(Password, error.ToString());
        Assert.Contains(SecretRedactor.Mask + "@", error.Message);
    }

    [Fact]
    public void Load_AUriSettingWithUserInformationInASettingsFile_ShouldNeverShowThePassword()
    {
        var file = _temp.Write("settings.json", """{ "QueueServiceUri": "https:\\\\user:Pr0beSecret@h.example.test/" }""");

        var error = Assert.Throws<VmEventOpsException>(() => Load(file));

        Assert.Equal(ErrorIds.InvalidSettingValue, error.ErrorId);
        Assert.DoesNotContain(Password, error.ToString());
    }

    [Fact]
    public void Load_ADeviceAsSettingsPath_ShouldBeRefusedAtOnceWithoutReadingIt()
    {
        var watch = Stopwatch.StartNew();

        var error = Assert.Throws<VmEventOpsException>(() => Load("/dev/zero"));

        Assert.Equal(ErrorIds.SettingsFileInvalid, error.ErrorId);
        Assert.Contains("not a regular file", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Load_AFifoAsSettingsPath_ShouldBeRefusedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(_temp.Path, "settings.json");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) await mkfifo.WaitForExitAsync();

        var load = Task.Run(() => Load(fifo));
        var first = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.True(first == load, "the load waited for a writer of the pipe");
        var error = await Assert.ThrowsAsync<VmEventOpsException>(() => load);
        Assert.Equal(ErrorIds.SettingsFileInvalid, error.ErrorId);
    }
}
