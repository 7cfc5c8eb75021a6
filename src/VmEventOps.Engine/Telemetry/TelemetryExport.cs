using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Telemetry;

/// <summary>
/// Sends the module's traces and metrics where the settings say (TraceFile, OtlpEndpoint, ApplicationInsightsConnectionString),
/// with the OpenTelemetry SDK; nothing when none is set. Listening is process-wide in .NET, so export is too: the exporters
/// follow the settings of the latest call, are rebuilt only when those change (never in a Function app, where every call has
/// the same settings), and are flushed when the process exits.
/// </summary>
public static class TelemetryExport
{
    private static readonly object Gate = new();
    private static readonly string[] EndpointKeys = ["IngestionEndpoint", "LiveEndpoint"];
    private static TelemetryExportTargets _current = TelemetryExportTargets.None;
    private static TracerProvider? _tracing;
    private static MeterProvider? _metrics;
    private static bool _exitHooked;

    /// <summary>What is exported now, in words (no header or connection string).</summary>
    public static string Targets => Volatile.Read(ref _current).ToString();

    /// <summary>
    /// Exports to what <paramref name="options"/> name from now on (to nothing when they name nothing); Azure Monitor's
    /// ingestion with Authorization=AAD gets its token from <paramref name="identity"/> (the settings' own credential).
    /// </summary>
    internal static void Apply(VmEventOptions options, Func<VmEventOptions, Azure.Core.TokenCredential> identity, IHostLog log)
    {
        var targets = TelemetryExportTargets.From(options.Telemetry);
        if (Volatile.Read(ref _current) == targets) return;
        lock (Gate)
        {
            if (_current == targets) return;
            StopExporters();
            Volatile.Write(ref _current, TelemetryExportTargets.None);
            if (!targets.IsEmpty) StartExporters(targets, options, identity);
            Volatile.Write(ref _current, targets);
            if (!_exitHooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
                _exitHooked = true;
            }
        }

        log.Verbose($"Telemetry export: {targets}.");
    }

    /// <summary>Sends what the exporters hold now (a worker that stops, a test); false when that took longer than <paramref name="timeout"/>.</summary>
    public static bool Flush(TimeSpan timeout)
    {
        lock (Gate)
        {
            var milliseconds = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
            var traced = _tracing?.ForceFlush(milliseconds) ?? true;
            var measured = _metrics?.ForceFlush(milliseconds) ?? true;
            return traced && measured;
        }
    }

    /// <summary>Flushes and stops every exporter (process exit).</summary>
    public static void Shutdown()
    {
        lock (Gate)
        {
            StopExporters();
            Volatile.Write(ref _current, TelemetryExportTargets.None);
        }
    }

    private static void StartExporters(TelemetryExportTargets targets, VmEventOptions options, Func<VmEventOptions, Azure.Core.TokenCredential> identity)
    {
        var version = typeof(TelemetryExport).Assembly.GetName().Version?.ToString(3);
        // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, win over the defaults (they are read last).
        void Describe(ResourceBuilder resource) => resource
            .AddService(VmEventTelemetry.Name, serviceVersion: version)
            .AddTelemetrySdk()
            .AddEnvironmentVariableDetector();

        var tracing = Sdk.CreateTracerProviderBuilder().ConfigureResource(Describe).AddSource(VmEventTelemetry.Name);
        var metrics = Sdk.CreateMeterProviderBuilder().ConfigureResource(Describe).AddMeter(VmEventTelemetry.Name);
        var exportsMetrics = false;
        // Checked, and the credential chosen, before anything is opened.
        var monitorCredential = targets.ApplicationInsightsConnectionString is { } connectionString ? AzureMonitorCredential(connectionString, options, identity) : null;
        JsonLinesSpanExporter? file = null;
        try
        {
            if (targets.TraceFile is { } path)
            {
                file = OpenTraceFile(path);
                // Written as each span ends: a line costs microseconds, and nothing waits in memory for a process that is killed.
                tracing.AddProcessor(new SimpleActivityExportProcessor(file));
            }

            if (targets.OtlpEndpoint is { } endpoint)
            {
                tracing.AddOtlpExporter(o => DescribeOtlp(o, targets, endpoint, "v1/traces"));
                metrics.AddOtlpExporter(o => DescribeOtlp(o, targets, endpoint, "v1/metrics"));
                exportsMetrics = true;
            }

            if (targets.ApplicationInsightsConnectionString is { } monitored)
            {
                tracing.AddAzureMonitorTraceExporter(o => DescribeAzureMonitor(o, monitored, monitorCredential));
                metrics.AddAzureMonitorMetricExporter(o => DescribeAzureMonitor(o, monitored, monitorCredential));
                exportsMetrics = true;
            }

            _tracing = tracing.Build();
            _metrics = exportsMetrics ? metrics.Build() : null;
        }
        catch (Exception e) when (e is not VmEventOpsException)
        {
            _tracing?.Dispose();
            _tracing = null;
            file?.Dispose();
            // The old exporters are stopped: nothing is exported now, so the same settings again must start anew.
            Volatile.Write(ref _current, TelemetryExportTargets.None);
            // The exception's own text may quote a connection string or a header: only its type is kept.
            throw new VmEventOpsException(ErrorIds.TelemetryExportFailed, VmErrorCategory.InvalidArgument,
                $"Telemetry export to {targets} could not start ({e.GetType().Name}): check OtlpEndpoint, OtlpHeaders and ApplicationInsightsConnectionString.",
                targets.ToString());
        }
    }

    private static JsonLinesSpanExporter OpenTraceFile(string path)
    {
        try
        {
            return new JsonLinesSpanExporter(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            // A URI given where a path belongs (https://user:password@host/ becomes /cwd/https:/user:password@host/) keeps
            // its user information in the path and in the framework's message: masked in both.
            var redactor = new SecretRedactor(SecretRedactor.UserInfoInPath(path));
            throw new VmEventOpsException(ErrorIds.TelemetryExportFailed, VmErrorCategory.ResourceUnavailable,
                $"TraceFile {redactor.Redact(path)} cannot be written: {redactor.Redact(e.Message)}", redactor.Redact(path), redactor.Redact(e));
        }
    }

    private static void DescribeOtlp(OtlpExporterOptions otlp, TelemetryExportTargets targets, Uri endpoint, string signalPath)
    {
        otlp.Protocol = targets.OtlpProtocol == OtlpTransport.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        // Over HTTP the SDK posts to the endpoint as given in code; collectors listen on /v1/traces and /v1/metrics below their base address.
        otlp.Endpoint = targets.OtlpProtocol == OtlpTransport.Grpc ? endpoint : new Uri(new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/"), signalPath);
        if (targets.OtlpHeaders is { } headers) otlp.Headers = headers;
    }

    /// <summary>
    /// The credential that signs Azure Monitor requests: none unless the resource takes Entra tokens only
    /// ("Authorization=AAD"); then the module's own, limited to the Monitor audience of the cloud, and only when the
    /// ingestion endpoint is an Azure Monitor host of that cloud or ApplicationInsightsAllowedHosts names it.
    /// </summary>
    private static Azure.Core.TokenCredential? AzureMonitorCredential(string connectionString, VmEventOptions options, Func<VmEventOptions, Azure.Core.TokenCredential> identity)
    {
        var parts = RequireConnectionString(connectionString);
        if (!(parts.TryGetValue("Authorization", out var authorization) && string.Equals(authorization as string, "AAD", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var cloud = AzureCloud.From(options);
        var ingestion = IngestionEndpoint(parts);
        if (!HostAllowList.IsUnder(ingestion, cloud.MonitorHostSuffixes) && !HostAllowList.IsListed(ingestion, options.Telemetry.ApplicationInsightsAllowedHosts))
        {
            throw new VmEventOpsException(ErrorIds.TelemetryHostNotAllowed, VmErrorCategory.SecurityError,
                $"ApplicationInsightsConnectionString has Authorization=AAD, but its ingestion host {ingestion.Authority} is not an Azure Monitor host of the cloud of AuthorityHost ({cloud.Name}: "
                + (cloud.MonitorHostSuffixes.Count == 0 ? "none built in" : string.Join(", ", cloud.MonitorHostSuffixes.Select(d => "*." + d)))
                + ") nor listed in ApplicationInsightsAllowedHosts, so no token is sent to it. Copy the connection string from the resource, or list a private link host in ApplicationInsightsAllowedHosts.",
                nameof(VmEventOptions.ApplicationInsightsConnectionString));
        }

        if (parts.TryGetValue("AADAudience", out var named) && named is string audience && !TokenAudience.Same(audience, cloud.MonitorAudience))
        {
            throw new VmEventOpsException(ErrorIds.TelemetryHostNotAllowed, VmErrorCategory.SecurityError,
                $"ApplicationInsightsConnectionString names an AADAudience that is not Azure Monitor's in the cloud of AuthorityHost ({cloud.MonitorAudience}), so no token is asked for it.",
                nameof(VmEventOptions.ApplicationInsightsConnectionString));
        }

        return new AudienceGuardCredential(identity(options), [cloud.MonitorAudience], "Azure Monitor ingestion", ErrorIds.TelemetryHostNotAllowed);
    }

    // Where the exporter sends: IngestionEndpoint, else dc.{EndpointSuffix} (with its Location), else the global endpoint.
    private static Uri IngestionEndpoint(System.Data.Common.DbConnectionStringBuilder parts)
    {
        if (parts.TryGetValue("IngestionEndpoint", out var endpoint) && endpoint is string given) return new Uri(given);
        if (parts.TryGetValue("EndpointSuffix", out var suffix) && suffix is string domain && !string.IsNullOrWhiteSpace(domain))
        {
            var location = parts.TryGetValue("Location", out var named) && named is string place && !string.IsNullOrWhiteSpace(place) ? place.Trim() + "." : string.Empty;
            return Uri.TryCreate($"https://{location}dc.{domain.Trim().Trim('.')}/", UriKind.Absolute, out var built) ? built : new Uri("https://invalid.invalid/");
        }

        return new Uri("https://dc.services.visualstudio.com/");
    }

    private static void DescribeAzureMonitor(AzureMonitorExporterOptions monitor, string connectionString, Azure.Core.TokenCredential? credential)
    {
        monitor.ConnectionString = connectionString;
        monitor.Credential = credential;
        // Every onboarding is kept: the exporter's default (5 traces a second, rate-limited) would set the sampler of the
        // whole provider and drop most traces of a burst from the trace file and OTLP too.
        monitor.SamplingRatio = 1.0F;
        monitor.TracesPerSecond = null;
        // Live Metrics polls a Microsoft endpoint all the time the process runs; a module should not start that unasked.
        monitor.EnableLiveMetrics = false;
    }

    /// <summary>
    /// The exporter takes any text and fails later, silently, on its background thread: check the shape now (an
    /// InstrumentationKey GUID, https endpoints), so a wrong setting is a clear error when the command starts.
    /// </summary>
    private static System.Data.Common.DbConnectionStringBuilder RequireConnectionString(string connectionString)
    {
        string? problem;
        var parts = new System.Data.Common.DbConnectionStringBuilder();
        try
        {
            parts.ConnectionString = connectionString;
            problem = !parts.TryGetValue("InstrumentationKey", out var key) || !Guid.TryParse(key as string, out _)
                ? "it holds no InstrumentationKey that is a GUID"
                : EndpointKeys.FirstOrDefault(name => parts.TryGetValue(name, out var endpoint)
                    && !(Uri.TryCreate(endpoint as string, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo))) is { } bad
                    ? $"its {bad} is not an absolute https URI without user information"
                    : null;
        }
        catch (ArgumentException)
        {
            problem = "it is not a list of name=value pairs separated by semicolons";
        }

        if (problem is not null)
        {
            throw new VmEventOpsException(ErrorIds.TelemetryExportFailed, VmErrorCategory.InvalidArgument,
                $"ApplicationInsightsConnectionString is not an Application Insights connection string: {problem}. Copy it from the resource's Overview page.",
                "ApplicationInsightsConnectionString");
        }

        return parts;
    }

    private static void StopExporters()
    {
        // Shutdown flushes first; a backend that does not answer costs at most five seconds each.
        _tracing?.Shutdown(5000);
        _tracing?.Dispose();
        _metrics?.Shutdown(5000);
        _metrics?.Dispose();
        _tracing = null;
        _metrics = null;
    }
}
