using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenTelemetry;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Telemetry;

/// <summary>
/// Writes spans to a file, one JSON object per line (the TraceFile setting): for admins without Application Insights,
/// for <c>Get-Content | ConvertFrom-Json</c>, jq or a Log Analytics custom log, and for tests. Several processes may
/// write the same file: each line is appended whole under a named, machine-wide mutex (.NET appends at a position it
/// tracks itself, so two processes appending without one overwrite each other's lines). The lock is waited for
/// <see cref="LockTimeout"/> at most: a span is written as it ends, on the thread of the work it measures, so a process
/// that holds the lock (hung, stopped in a debugger, or a stranger that took the name) costs one span that long; the span
/// is dropped and counted (metric <c>vmeventops.telemetry.dropped_spans</c>), and the work goes on. Until the lock is had
/// again, later spans wait <see cref="ContendedWait"/> only (far longer than any append takes), so a lock held for minutes
/// costs a workflow one bounded wait, not one per span.
/// </summary>
internal sealed class JsonLinesSpanExporter : BaseExporter<Activity>
{
    private readonly FileStream _file;
    private readonly Mutex _appendLock;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private long _dropped;
    private bool _lockLost;

    /// <summary>How long a span waits for another process's append before it is dropped, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a span waits while the lock was not had at the last try.</summary>
    public static readonly TimeSpan ContendedWait = TimeSpan.FromMilliseconds(50);

    public JsonLinesSpanExporter(string path, TimeSpan? lockTimeout = null)
    {
        Path = path;
        LockTimeout = lockTimeout ?? DefaultLockTimeout;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        // A Global\ name: every process on the machine that writes this file takes the same lock.
        _appendLock = new Mutex(false, LockName(path));
        _json = new Utf8JsonWriter(_buffer);
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>The longest wait for the append lock.</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>Spans this exporter dropped because the lock was held longer than <see cref="LockTimeout"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The name of the machine-wide lock of a trace file (for tests that hold it as another process would).</summary>
    internal static string LockName(string path) =>
        @"Global\VmEventOps.TraceFile." + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(OperatingSystem.IsWindows() ? path.ToUpperInvariant() : path)))[..32];

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
            var acquired = _appendLock.WaitOne(_lockLost ? (ContendedWait < LockTimeout ? ContendedWait : LockTimeout) : LockTimeout);
            _lockLost = !acquired;
            if (!acquired)
            {
                var spans = batch.Count;
                Interlocked.Add(ref _dropped, spans);
                VmEventTelemetry.DroppedSpans.Add(spans, new KeyValuePair<string, object?>(VmEventTelemetry.ReasonTag, "TraceFileLockTimeout"));
                return ExportResult.Failure;
            }
        }
        catch (AbandonedMutexException)
        {
            // A writer died holding it: the file is still whole up to its last complete line, so go on (the lock is ours now).
            _lockLost = false;
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
