using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenTelemetry;

namespace VmEventOps.Engine.Diagnostics;

/// <summary>
/// Writes spans to a file, one JSON object per line (the TraceFile setting): for admins without Application Insights,
/// for <c>Get-Content | ConvertFrom-Json</c>, jq or a Log Analytics custom log, and for tests. Several processes may
/// write the same file: each line is appended whole under a named, machine-wide mutex (.NET appends at a position it
/// tracks itself, so two processes appending without one overwrite each other's lines).
/// </summary>
internal sealed class JsonLinesSpanExporter : BaseExporter<Activity>
{
    private readonly FileStream _file;
    private readonly Mutex _appendLock;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    public JsonLinesSpanExporter(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        // A Global\ name: every process on the machine that writes this file takes the same lock.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(OperatingSystem.IsWindows() ? path.ToUpperInvariant() : path)))[..32];
        _appendLock = new Mutex(false, @"Global\VmEventOps.TraceFile." + key);
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override ExportResult Export(in Batch<Activity> batch)
    {
        // Called by one processor at a time (the export processor serialises calls), so the buffer needs no lock.
        _buffer.ResetWrittenCount();
        foreach (var span in batch)
        {
            _json.Reset();
            Write(_json, span);
            _json.Flush();
            _buffer.Write("\n"u8);
        }

        try
        {
            _appendLock.WaitOne();
        }
        catch (AbandonedMutexException)
        {
            // A writer died holding it: the file is still whole up to its last complete line, so go on.
        }

        try
        {
            _file.Seek(0, SeekOrigin.End);
            _file.Write(_buffer.WrittenSpan);
            _file.Flush();
            return ExportResult.Success;
        }
        catch (IOException)
        {
            return ExportResult.Failure;
        }
        finally
        {
            _appendLock.ReleaseMutex();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json.Dispose();
            _file.Dispose();
            _appendLock.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>One span as a flat JSON object: what a query needs first (time, name, ids, duration, status), then its tags.</summary>
    internal static void Write(Utf8JsonWriter json, Activity span)
    {
        json.WriteStartObject();
        json.WriteString("time"u8, span.StartTimeUtc);
        json.WriteString("name"u8, span.DisplayName);
        json.WriteString("kind"u8, span.Kind.ToString());
        json.WriteString("traceId"u8, span.TraceId.ToHexString());
        json.WriteString("spanId"u8, span.SpanId.ToHexString());
        if (span.ParentSpanId != default) json.WriteString("parentSpanId"u8, span.ParentSpanId.ToHexString());
        json.WriteNumber("durationMs"u8, Math.Round(span.Duration.TotalMilliseconds, 3));
        json.WriteString("status"u8, span.Status.ToString());
        if (!string.IsNullOrEmpty(span.StatusDescription)) json.WriteString("statusDescription"u8, span.StatusDescription);
        json.WriteString("source"u8, span.Source.Name);
        json.WriteStartObject("tags"u8);
        foreach (var (name, value) in span.EnumerateTagObjects())
        {
            switch (value)
            {
                case null:
                    json.WriteNull(name);
                    break;
                case int number:
                    json.WriteNumber(name, number);
                    break;
                case long number:
                    json.WriteNumber(name, number);
                    break;
                case double number:
                    json.WriteNumber(name, number);
                    break;
                case bool flag:
                    json.WriteBoolean(name, flag);
                    break;
                default:
                    json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
