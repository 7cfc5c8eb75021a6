namespace VmEventOps.Engine.Configuration;

/// <summary>Where traces and metrics are exported; nothing leaves the process unless one is set. Part of <see cref="VmEventOptions"/>; each property is the setting of the same name.</summary>
public sealed record TelemetryOptions
{
    /// <summary>Write every span as one JSON line to this file (appended, its folder created; shared safely by several processes). Relative paths are resolved against the current location.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Send traces and metrics to this OTLP endpoint (an OpenTelemetry Collector, Jaeger, Grafana, ...), such as http://localhost:4317.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP transport: Grpc (port 4317 by convention) or HttpProtobuf (port 4318; /v1/traces and /v1/metrics are appended).</summary>
    public OtlpTransport OtlpProtocol { get; init; } = OtlpTransport.Grpc;

    /// <summary>Headers sent with every OTLP request, as name=value pairs separated by commas (an API key of a hosted backend).</summary>
    public string? OtlpHeaders { get; init; }

    /// <summary>Send traces and metrics to Application Insights (Azure Monitor). With Authorization=AAD in it, the module's own credential signs the requests, sent only to Azure Monitor hosts of the cloud.</summary>
    public string? ApplicationInsightsConnectionString { get; init; }

    /// <summary>Ingestion hosts outside Azure Monitor's own domains that may receive its tokens (Authorization=AAD; a private link scope, an emulator), comma-separated: host, *.domain, host:port. A loopback host only when listed.</summary>
    public IReadOnlyList<string> ApplicationInsightsAllowedHosts { get; init; } = [];

    /// <summary>Names the type only: some of these settings are secrets.</summary>
    public override string ToString() => "TelemetryOptions { values not shown }";
}
