using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VmEventOps.Emulators;

/// <summary>
/// Where exported telemetry lands, on loopback HTTPS (HTTP/1.1 and HTTP/2): an OTLP collector over HTTP/protobuf
/// (<c>/v1/traces</c>, <c>/v1/metrics</c>) and over gRPC (the trace and metrics services' Export methods, length-prefixed
/// messages, <c>grpc-status</c> trailer), and the Application Insights ingestion endpoint (<c>/v2.1/track</c>, gzip'd JSON
/// lines, answered with the service's item counts). Records every request with its headers and decoded body.
/// </summary>
public sealed class TelemetryCollectorEmulator : IAsyncDisposable
{
    private const string GrpcTraces = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private const string GrpcMetrics = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<TelemetryRequest> _requests = new();

    private TelemetryCollectorEmulator(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyList<TelemetryRequest> Requests => _requests.ToArray();

    /// <summary>The Application Insights items received (each line of each track request).</summary>
    public IReadOnlyList<JsonElement> TrackedItems => Requests.Where(r => r.Signal == "track")
        .SelectMany(r => Encoding.UTF8.GetString(r.Body).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();

    public static async Task<TelemetryCollectorEmulator> StartAsync(X509Certificate2 certificate)
    {
        var app = LoopbackServer.Create(certificate);   // gRPC needs its HTTP/2
        var emulator = new TelemetryCollectorEmulator(app);
        app.MapPost("/v1/traces", context => emulator.ServeOtlpHttp(context, "traces"));
        app.MapPost("/v1/metrics", context => emulator.ServeOtlpHttp(context, "metrics"));
        app.MapPost(GrpcTraces, context => emulator.ServeOtlpGrpc(context, "traces"));
        app.MapPost(GrpcMetrics, context => emulator.ServeOtlpGrpc(context, "metrics"));
        app.MapPost("/v2.1/track", (Delegate)emulator.ServeTrack);
        emulator.BaseUri = await LoopbackServer.StartAsync(app);
        return emulator;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ServeOtlpHttp(HttpContext context, string signal)
    {
        Record(context, signal, "http", await ReadBody(context));
        context.Response.ContentType = "application/x-protobuf";   // an empty Export*ServiceResponse: all accepted
    }

    private async Task ServeOtlpGrpc(HttpContext context, string signal)
    {
        var framed = await ReadBody(context);
        // One length-prefixed message: a compressed flag byte, a 4-byte big-endian length, the protobuf.
        var body = framed.Length >= 5 ? framed.AsSpan(5, (int)BinaryPrimitives.ReadUInt32BigEndian(framed.AsSpan(1, 4))).ToArray() : [];
        Record(context, signal, "grpc", body);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private async Task<IResult> ServeTrack(HttpContext context)
    {
        var body = await ReadBody(context);
        if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            using var unzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await unzip.CopyToAsync(plain);
            body = plain.ToArray();
        }

        Record(context, "track", "appinsights", body);
        var items = Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return Results.Json(new { itemsReceived = items, itemsAccepted = items, appId = (string?)null, errors = Array.Empty<object>() });
    }

    private void Record(HttpContext context, string signal, string protocol, byte[] body) => _requests.Enqueue(new TelemetryRequest(
        signal, protocol, context.Request.Path, context.Request.Protocol, context.Request.ContentType,
        context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));

    private static async Task<byte[]> ReadBody(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}

/// <summary>One request to the telemetry collector: which signal, over what, its headers and its (decoded) body.</summary>
public sealed record TelemetryRequest(
    string Signal, string Protocol, string Path, string HttpVersion, string? ContentType, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>True when the body holds <paramref name="text"/> as UTF-8 (protobuf strings are stored as is).</summary>
    public bool Contains(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
