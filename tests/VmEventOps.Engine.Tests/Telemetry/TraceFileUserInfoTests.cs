using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Telemetry;
using VmEventOps.Engine.Tests.Infrastructure;

namespace VmEventOps.Engine.Tests.Telemetry;

/// <summary>A URI given as TraceFile (https://user:password@host/ made a path): its failure never shows the password.</summary>
[Collection(AzuriteCollection.Name)] // beside TelemetryExportTests: the exporters are per process
public sealed class TraceFileUserInfoTests : IDisposable
{
    private const string Password = "Pr0beSecret";
    private readonly TempDirectory _temp = new();

    public void Dispose()
    {
        TelemetryExport.Shutdown();
        _temp.Dispose();
    }

    [Fact]
    public void Apply_ATraceFileThatIsAUriWithUserInformation_ShouldFailWithoutThePassword()
    {
        // What the loader makes of it: a path under the current folder, its "//" made "/"; a file stands where its folder would be.
        File.WriteAllText(Path.Combine(_temp.Path, "https:"), "a file where the folder would be");
        var options = new VmEventOptions { TraceFile = Path.Combine(_temp.Path, "https:", "user:" + Password + "@h.example.test", "trace.jsonl") };

        var error = Assert.Throws<VmEventOpsException>(() => TelemetryExport.Apply(options, _ => throw new InvalidOperationException("no identity"), NullHostLog.Instance));

        Assert.Equal(ErrorIds.TelemetryExportFailed, error.ErrorId);
        Assert.DoesNotContain(Password, error.ToString());
        Assert.DoesNotContain(Password, error.Target?.ToString() ?? string.Empty);
        Assert.Contains(SecretRedactor.Mask + "@", error.Message);
    }
}
