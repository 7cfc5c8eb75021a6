using System.Management.Automation;
using VmEventOps.Engine.Api;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Dashboard;
using VmEventOps.Engine.Hosting;
using VmEventOps.Engine.KeyVault;

namespace VmEventOps.Commands;

/// <summary>
/// <para type="synopsis">Serves the admin dashboard on this machine: health of the queues, the VMs and their trails, poison messages to re-queue, until Ctrl+C.</para>
/// <para type="description">Listens on 127.0.0.1 only (never another interface) and serves the dashboard's static UI (shipped in the
/// module's Dashboard folder) and the same HTTP API as the Function app (Invoke-VmEventApi), with this session's settings and
/// identity. Writes a DashboardInfo whose Url holds a random access token, made afresh at each start, in its fragment: every call of
/// the API must carry it in a header, so neither another local user nor a page of another site can read or act. Share the URL
/// with nobody.</para>
/// <para type="description">Ctrl+C stops it: it stops listening and finishes the requests in flight.</para>
/// <example>
///   <code>Start-VmEventDashboard -OpenBrowser</code>
///   <para>Serves the dashboard on a free port and opens it in the default browser.</para>
/// </example>
/// <example>
///   <code>Start-VmEventDashboard -Port 8080 -Environment Prod</code>
///   <para>Serves the production settings' dashboard at http://127.0.0.1:8080/ (the URL with its token is written first).</para>
/// </example>
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "VmEventDashboard")]
[OutputType(typeof(DashboardInfo))]
public sealed class StartVmEventDashboardCommand : ConfiguredCmdlet
{
    /// <summary><para type="description">The loopback port; a free one when omitted.</para></summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary><para type="description">Open the dashboard in the default browser once it listens.</para></summary>
    [Parameter]
    public SwitchParameter OpenBrowser { get; set; }

    /// <inheritdoc />
    protected override void ProcessInput()
    {
        var configuration = LoadConfiguration();
        var options = configuration.Options;
        var dbPassword = VmEventEngine.Secrets.SecretSource(configuration, nameof(VmEventOptions.DbPassword), Log);
        var router = VmEventEngine.For(options).Api(Log, configuration.Redactor, ApiResponses.SettingsOf(options.Dashboard), dbPassword);
        var files = Path.Combine(Path.GetDirectoryName(typeof(StartVmEventDashboardCommand).Assembly.Location)!, "Dashboard");
        var server = Run(() => DashboardServer.Start(router.HandleAsync, files, Port, Log));
        try
        {
            var info = new DashboardInfo { Url = server.Url, Port = server.Port, StartedOn = DateTimeOffset.UtcNow };
            WriteInformation(new InformationRecord($"Dashboard: {info.Url}  (Ctrl+C stops it)", MyInvocation.MyCommand.Name), ["PSHOST"]);
            WriteObject(info);
            if (OpenBrowser) Run(() => BrowserLauncher.TryOpen(info.Url, Log));
            var served = Run(token => server.RunAsync(token));
            WriteVerbose($"The dashboard stopped after {served} request(s).");
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
