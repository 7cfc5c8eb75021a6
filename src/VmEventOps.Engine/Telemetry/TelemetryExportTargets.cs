using VmEventOps.Engine.Configuration;

namespace VmEventOps.Engine.Telemetry;

/// <summary>Where traces and metrics go, as the settings ask; equal targets need no new exporters.</summary>
internal sealed record TelemetryExportTargets(
    string? TraceFile, Uri? OtlpEndpoint, OtlpTransport OtlpProtocol, string? OtlpHeaders, string? ApplicationInsightsConnectionString)
{
    public static TelemetryExportTargets From(TelemetryOptions telemetry) => new(
        Blank(telemetry.TraceFile), telemetry.OtlpEndpoint, telemetry.OtlpProtocol, Blank(telemetry.OtlpHeaders), Blank(telemetry.ApplicationInsightsConnectionString));

    /// <summary>Nothing to export.</summary>
    public static readonly TelemetryExportTargets None = From(new TelemetryOptions());

    /// <summary>True when nothing is to be exported.</summary>
    public bool IsEmpty => TraceFile is null && OtlpEndpoint is null && ApplicationInsightsConnectionString is null;

    /// <summary>The targets in words, without a header or a connection string.</summary>
    public override string ToString()
    {
        var targets = new List<string>();
        if (TraceFile is not null) targets.Add($"trace file {TraceFile}");
        // Scheme, host and port only: user information in the URI would be a credential.
        if (OtlpEndpoint is not null) targets.Add($"OTLP {OtlpEndpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Port, UriFormat.UriEscaped)} ({OtlpProtocol})");
        if (ApplicationInsightsConnectionString is not null) targets.Add("Application Insights");
        return targets.Count == 0 ? "nothing" : string.Join(", ", targets);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
