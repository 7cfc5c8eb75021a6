using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VmEventOps.Engine.Arm;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Queues;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Api;

/// <summary>
/// The API's JSON shapes (camelCase, times ISO 8601 UTC). Text is JSON-escaped with HTML's characters escaped too
/// (<c>&lt;</c> as <c>\u003C</c>), so an event's text stays data whatever reads the answer.
/// </summary>
internal static class ApiJson
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.Default, WriteIndented = false };

    public static string Write(JsonNode node) => node.ToJsonString(Options);

    public static string? Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Error(string code, string message, string? correlationId = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (correlationId is not null) error["correlationId"] = correlationId;
        return new JsonObject { ["error"] = error };
    }

    public static JsonObject Queue(QueueStatus queue, QueueHealthThresholds thresholds) => new()
    {
        ["queue"] = queue.Queue.ToString(),
        ["name"] = queue.Name,
        ["exists"] = queue.Exists,
        ["approximateCount"] = queue.ApproximateCount,
        ["oldestMessageAgeSeconds"] = queue.OldestMessageAge is { } age ? (int)age.TotalSeconds : null,
        ["threshold"] = queue.Queue switch { QueueKind.Retry => thresholds.Retry, QueueKind.Poison => thresholds.Poison, _ => null },
        ["healthy"] = queue.Healthy,
        ["reason"] = queue.Reason,
    };

    public static JsonObject Record(OnboardingState record) => new()
    {
        ["vmResourceId"] = record.VmResourceId,
        ["vmName"] = RecordQuery.NameOf(record.VmResourceId),
        ["state"] = record.State.ToString(),
        ["attempts"] = record.Attempts,
        ["lastError"] = record.LastError,
        ["jobId"] = record.JobId?.ToString(),
        ["firstSeen"] = Time(record.FirstSeen),
        ["updatedOn"] = Time(record.UpdatedOn),
        ["nextAttemptOn"] = Time(record.NextAttemptOn),
        ["traceId"] = record.TraceId,
    };

    public static JsonObject Attempt(OnboardingAttempt attempt) => new()
    {
        ["time"] = Time(attempt.Time),
        ["attempt"] = attempt.Attempt,
        ["outcome"] = attempt.Outcome,
        ["reason"] = attempt.Reason,
    };

    public static JsonObject TrailEntry(VmEventTrailEntry entry) => new()
    {
        ["time"] = Time(entry.Time),
        ["source"] = entry.Source,
        ["status"] = entry.Status,
        ["attempt"] = entry.Attempt,
        ["reason"] = entry.Reason,
        ["messageId"] = entry.MessageId,
        ["dequeueCount"] = entry.DequeueCount,
        ["jobId"] = entry.JobId?.ToString(),
        ["traceId"] = entry.TraceId,
        ["history"] = History(entry.History),
    };

    public static JsonArray History(IEnumerable<EnvelopeHistoryEntry> history) =>
        new(history.Select(h => (JsonNode)new JsonObject { ["time"] = Time(h.Time), ["stage"] = h.Stage, ["error"] = h.Error }).ToArray());

    public static JsonObject Message(VmEventMessage message) => new()
    {
        ["messageId"] = message.MessageId,
        ["insertedOn"] = Time(message.InsertedOn),
        ["dequeueCount"] = message.DequeueCount,
        ["attempt"] = message.Attempt,
        ["reason"] = message.Reason,
        ["lastError"] = message.LastError,
        ["firstSeen"] = Time(message.FirstSeen),
        ["vmResourceId"] = message.Event?.VmResourceId,
        ["vmName"] = message.Event?.VmName,
        ["eventId"] = message.Event?.EventId,
        ["parseFailures"] = new JsonArray(message.ParseFailures.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
        ["history"] = History(message.History),
    };

    public static JsonObject Result(VmEventResult result) => new()
    {
        ["outcome"] = result.Outcome.ToString(),
        ["reason"] = result.Reason,
        ["vmResourceId"] = result.VmResourceId,
        ["vmName"] = result.VmName,
        ["privateIpAddress"] = result.PrivateIpAddress,
        ["jobId"] = result.JobId?.ToString(),
        ["attempt"] = result.Attempt,
        ["nextAttemptOn"] = Time(result.NextAttemptOn),
        ["stages"] = new JsonObject(result.Stages.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)JsonValue.Create(s.Value)))),
    };

    public static JsonObject Requeue(RequeueResult result) => new()
    {
        ["messageId"] = result.MessageId,
        ["found"] = result.Found,
        ["newMessageId"] = result.NewMessageId,
        ["vmResourceId"] = result.VmResourceId,
        ["result"] = result.Result is { } r ? Result(r) : null,
    };

    public static JsonObject Compliance(VmComplianceRecord record) => new()
    {
        ["vmResourceId"] = record.VmResourceId,
        ["vmName"] = record.VmName,
        ["status"] = record.Status.ToString(),
        ["reason"] = record.Reason,
        ["ageSeconds"] = record.Age is { } age ? (long)age.TotalSeconds : null,
        ["traceId"] = record.TraceId,
        ["scope"] = record.Scope,
        ["vmId"] = record.VmId?.ToString(),
        ["attempts"] = record.Attempts,
        ["jobId"] = record.JobId?.ToString(),
        ["nextAttemptOn"] = Time(record.NextAttemptOn),
    };

    /// <summary>The last lines of a runbook job's output kept in an answer.</summary>
    public const int MaxJobLines = 200;

    public static JsonObject Job(VmRunbookJob job) => new()
    {
        ["jobId"] = job.JobId.ToString(),
        ["runbookName"] = job.RunbookName,
        ["status"] = job.Status,
        ["startTime"] = Time(job.StartTime),
        ["endTime"] = Time(job.EndTime),
        ["exception"] = job.Exception,
        ["output"] = new JsonArray(job.Output.TakeLast(MaxJobLines).Select(line => (JsonNode)JsonValue.Create(line)).ToArray()),
        ["errors"] = new JsonArray(job.Errors.TakeLast(MaxJobLines).Select(line => (JsonNode)JsonValue.Create(line)).ToArray()),
    };
}
