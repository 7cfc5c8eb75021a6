using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Logging;
using VmEventOps.Engine.Reconcile;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Api;

/// <summary>
/// The HTTP API, once, for every host: a request (method, action, query, body, caller) in, a status and a JSON body out.
/// Bad input is a 400 with a stable ErrorId; an action by a caller who may not act is a 403; a failure of ours is a 500
/// with the ErrorId and a correlation id only (the details go to the host's log under the same id, never to the caller).
/// </summary>
public sealed class ApiRouter(IApiBackend backend, ApiSettings settings, IHostLog log, TimeProvider? time = null)
{
    /// <summary>The actions, as the 404 lists them.</summary>
    public static readonly string[] Actions = ["status", "health", "records", "trail", "poison", "compliance", "onboard", "requeue"];

    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 16 };
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Answers one request.</summary>
    public async Task<ApiResponse> HandleAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var action = request.Action.Trim().Trim('/').ToLowerInvariant();
        try
        {
            return action switch
            {
                "" or "status" => await Read(request, action, () => StatusAsync(cancellationToken)).ConfigureAwait(false),
                "health" => await Read(request, action, () => HealthAsync(request, cancellationToken)).ConfigureAwait(false),
                "records" => await Read(request, action, () => RecordsAsync(request, cancellationToken)).ConfigureAwait(false),
                "trail" => await Read(request, action, () => TrailAsync(request, cancellationToken)).ConfigureAwait(false),
                "poison" => await Read(request, action, () => PoisonAsync(cancellationToken)).ConfigureAwait(false),
                "compliance" => await Read(request, action, () => ComplianceAsync(request, cancellationToken)).ConfigureAwait(false),
                "onboard" => await Act(request, action, body => OnboardAsync(request, body, cancellationToken)).ConfigureAwait(false),
                "requeue" => await Act(request, action, body => RequeueAsync(body, cancellationToken)).ConfigureAwait(false),
                _ => Error(404, ErrorIds.ApiUnknownAction, $"Unknown action '{Shorten(action)}': use {string.Join(", ", Actions)}."),
            };
        }
        catch (ApiRefusal refusal)
        {
            return Error(refusal.Status, refusal.ErrorId, refusal.Message);
        }
        catch (VmEventOpsException e) when (e.ErrorId == ErrorIds.InvalidVmResourceId)
        {
            return Error(400, e.ErrorId, e.Message);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var code = e is VmEventOpsException known ? known.ErrorId : ErrorIds.Unexpected;
            var correlationId = Guid.NewGuid().ToString();
            log.Warning($"API '{Shorten(action)}' failed with {code}; correlation id {correlationId}.");
            return new ApiResponse(500, ApiJson.Write(ApiJson.Error(code, $"The request failed ({code}). The log has the details under correlation id {correlationId}.", correlationId)))
            {
                ErrorId = code,
                Failure = e,
                CorrelationId = correlationId,
            };
        }
    }

    private static async Task<ApiResponse> Read(ApiRequest request, string action, Func<Task<JsonNode>> read)
    {
        if (!IsMethod(request, "GET")) return Error(405, ErrorIds.ApiMethodNotAllowed, $"Use GET for '{(action.Length == 0 ? "status" : action)}'.");
        return Ok(await read().ConfigureAwait(false));
    }

    private async Task<ApiResponse> Act(ApiRequest request, string action, Func<JsonObject?, Task<JsonNode>> act)
    {
        if (!IsMethod(request, "POST")) return Error(405, ErrorIds.ApiMethodNotAllowed, $"Use POST for '{action}'.");
        if (!request.Caller.CanAct)
        {
            log.Warning($"API '{action}' refused to {request.Caller.Name}: {request.Caller.DeniedReason}");
            return Error(403, ErrorIds.ApiForbidden, $"Not allowed to {action}: {request.Caller.DeniedReason}");
        }

        var body = ParseBody(request.Body);
        log.Verbose($"API '{action}' by {request.Caller.Name}.");
        return Ok(await act(body).ConfigureAwait(false));
    }

    private async Task<JsonNode> StatusAsync(CancellationToken cancellationToken)
    {
        var queues = await backend.QueueStatusAsync(settings.Thresholds, cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["healthy"] = queues.All(q => q.Healthy),
            ["queues"] = new JsonArray(queues.Select(q => (JsonNode)ApiJson.Queue(q, settings.Thresholds)).ToArray()),
        };
    }

    private async Task<JsonNode> HealthAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var hours = IntQuery(request, "hours", 24, 1, 168);
        var queuesTask = backend.QueueStatusAsync(settings.Thresholds, cancellationToken);
        var records = await backend.RecordsAsync(null, cancellationToken).ConfigureAwait(false);
        var queues = await queuesTask.ConfigureAwait(false);
        var timeline = OutcomeTimeline.Of(records, hours, _time.GetUtcNow());
        var states = new JsonObject();
        foreach (var state in Enum.GetValues<OnboardingStatus>()) states[state.ToString()] = records.Count(r => r.State == state);
        return new JsonObject
        {
            ["healthy"] = queues.All(q => q.Healthy),
            ["now"] = ApiJson.Time(_time.GetUtcNow()),
            ["queues"] = new JsonArray(queues.Select(q => (JsonNode)ApiJson.Queue(q, settings.Thresholds)).ToArray()),
            ["states"] = states,
            ["outcomes"] = new JsonObject
            {
                ["hours"] = new JsonArray(timeline.Hours.Select(h => (JsonNode)JsonValue.Create(ApiJson.Time(h))!).ToArray()),
                ["series"] = new JsonObject(timeline.Series.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonArray(s.Value.Select(v => (JsonNode)JsonValue.Create(v)).ToArray())))),
            },
        };
    }

    private async Task<JsonNode> RecordsAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        OnboardingStatus? state = null;
        if (request.QueryValue("state") is { Length: > 0 } stateText)
        {
            if (!Enum.TryParse<OnboardingStatus>(stateText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(stateText, out _))
            {
                throw new ApiRefusal(400, ErrorIds.ApiInvalidQuery, $"state must be one of {string.Join(", ", Enum.GetNames<OnboardingStatus>())}.");
            }

            state = parsed;
        }

        var query = new RecordQuery
        {
            State = state,
            Scope = request.QueryValue("scope"),
            Text = request.QueryValue("text"),
            Page = IntQuery(request, "page", 1, 1, int.MaxValue),
            PageSize = IntQuery(request, "pageSize", 50, 1, RecordQuery.MaxPageSize),
        };
        var (total, page, items) = query.Apply(await backend.RecordsAsync(state, cancellationToken).ConfigureAwait(false));
        return new JsonObject
        {
            ["total"] = total,
            ["page"] = page,
            ["pageSize"] = query.PageSize,
            ["items"] = new JsonArray(items.Select(r => (JsonNode)ApiJson.Record(r)).ToArray()),
        };
    }

    private async Task<JsonNode> TrailAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var vm = VmOf(request.QueryValue("vmResourceId"), "in the query string");
        var recordTask = backend.RecordAsync(vm, cancellationToken);
        var entries = await backend.TrailAsync(vm, cancellationToken).ConfigureAwait(false);
        var record = await recordTask.ConfigureAwait(false);
        var traceId = record?.TraceId ?? entries.Select(e => e.TraceId).LastOrDefault(t => t is not null);
        var job = record?.JobId is { } jobId ? await JobAsync(jobId, cancellationToken).ConfigureAwait(false) : null;
        return new JsonObject
        {
            ["vmResourceId"] = vm.Value,
            ["vmName"] = vm.Name,
            ["record"] = record is null ? null : ApiJson.Record(record),
            ["attempts"] = new JsonArray((record?.History ?? []).Select(a => (JsonNode)ApiJson.Attempt(a)).ToArray()),
            ["traceId"] = traceId,
            ["traceLink"] = TraceLink(traceId),
            ["job"] = job,
            ["entries"] = new JsonArray(entries.Select(e => (JsonNode)ApiJson.TrailEntry(e)).ToArray()),
        };
    }

    // The job's status and output; what cannot be read is said in the answer, the rest of the trail still comes.
    private async Task<JsonObject?> JobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            return await backend.JobAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job ? ApiJson.Job(job) : null;
        }
        catch (VmEventOpsException e)
        {
            return new JsonObject { ["jobId"] = jobId.ToString(), ["error"] = $"{e.ErrorId}: {e.Message}" };
        }
    }

    private async Task<JsonNode> PoisonAsync(CancellationToken cancellationToken)
    {
        var (messages, count) = await backend.PoisonAsync(cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["approximateCount"] = count,
            ["shown"] = messages.Count,
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)ApiJson.Message(m)).ToArray()),
        };
    }

    private async Task<JsonNode> ComplianceAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        HashSet<ComplianceStatus>? wanted = null;
        if (request.QueryValue("status") is { Length: > 0 } statusText)
        {
            wanted = [];
            foreach (var name in statusText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<ComplianceStatus>(name, ignoreCase: true, out var status) || !Enum.IsDefined(status) || int.TryParse(name, out _))
                {
                    throw new ApiRefusal(400, ErrorIds.ApiInvalidStatus, $"status must be one or more of {string.Join(", ", Enum.GetNames<ComplianceStatus>())}, comma-separated.");
                }

                wanted.Add(status);
            }
        }

        var summary = request.QueryValue("summary") is { } summaryText
            ? BoolText(summaryText) ?? throw new ApiRefusal(400, ErrorIds.ApiInvalidSummary, "summary must be true or false.")
            : false;
        JsonArray Problems(IReadOnlyList<VmScopeListing> incomplete) => new(incomplete.Select(l => (JsonNode)JsonValue.Create($"{l.Scope}: {l.Problem}")).ToArray());
        if (summary)
        {
            var (rows, incomplete) = await backend.ComplianceSummaryAsync(cancellationToken).ConfigureAwait(false);
            return new JsonObject
            {
                ["complete"] = incomplete.Count == 0,
                ["problems"] = Problems(incomplete),
                ["summary"] = new JsonArray(rows.Where(r => wanted is null || wanted.Contains(r.Status))
                    .Select(r => (JsonNode)new JsonObject { ["scope"] = r.Scope, ["status"] = r.Status.ToString(), ["count"] = r.Count }).ToArray()),
            };
        }

        var (records, missing) = await backend.ComplianceAsync(cancellationToken).ConfigureAwait(false);
        return new JsonObject
        {
            ["complete"] = missing.Count == 0,
            ["problems"] = Problems(missing),
            ["vms"] = new JsonArray(records.Where(r => wanted is null || wanted.Contains(r.Status)).Select(r => (JsonNode)ApiJson.Compliance(r)).ToArray()),
        };
    }

    private async Task<JsonNode> OnboardAsync(ApiRequest request, JsonObject? body, CancellationToken cancellationToken)
    {
        var text = StringField(body, "vmResourceId") ?? request.QueryValue("vmResourceId");
        var vm = VmOf(text, "in the JSON body or the query string");
        var force = Force(body, request);
        return ApiJson.Result(await backend.OnboardAsync(vm, force, cancellationToken).ConfigureAwait(false));
    }

    private async Task<JsonNode> RequeueAsync(JsonObject? body, CancellationToken cancellationToken)
    {
        if (body?["messageIds"] is not JsonArray ids || ids.Count is 0 or > 100
            || ids.Any(id => id is not JsonValue value || value.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetValue<string>())))
        {
            throw new ApiRefusal(400, ErrorIds.ApiInvalidBody, "The body must be {\"messageIds\": [\"...\"], \"force\": false}: 1 to 100 message ids.");
        }

        var force = Force(body, request: null);
        var results = await backend.RequeueAsync(ids.Select(id => id!.GetValue<string>().Trim()).Distinct(StringComparer.Ordinal).ToArray(), force, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["force"] = force, ["results"] = new JsonArray(results.Select(r => (JsonNode)ApiJson.Requeue(r)).ToArray()) };
    }

    private string? TraceLink(string? traceId) =>
        traceId is null || string.IsNullOrWhiteSpace(settings.TraceLinkTemplate) || !traceId.All(char.IsAsciiHexDigit)
            ? null
            : settings.TraceLinkTemplate.Replace("{traceId}", traceId, StringComparison.Ordinal);

    private static VmResourceId VmOf(string? text, string where)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ApiRefusal(400, ErrorIds.ApiMissingVmResourceId, $"vmResourceId is required: the VM resource ID, {where}.");
        }

        if (!VmResourceId.TryParse(text, out var vm))
        {
            throw new ApiRefusal(400, ErrorIds.InvalidVmResourceId,
                $"'{Shorten(text)}' is not a VM resource ID: expected /subscriptions/{{guid}}/resourceGroups/{{name}}/providers/Microsoft.Compute/virtualMachines/{{name}}.");
        }

        return vm!;
    }

    private static bool Force(JsonObject? body, ApiRequest? request)
    {
        if (body is not null && body.TryGetPropertyValue("force", out var node) && node is not null)
        {
            if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return value.GetValue<bool>();
            if (node is JsonValue text && text.GetValueKind() == JsonValueKind.String && BoolText(text.GetValue<string>()) is { } parsed) return parsed;
            throw new ApiRefusal(400, ErrorIds.ApiInvalidForce, "force must be true or false.");
        }

        var query = request?.QueryValue("force");
        if (query is null) return false;
        return BoolText(query) ?? throw new ApiRefusal(400, ErrorIds.ApiInvalidForce, "force must be true or false.");
    }

    private static bool? BoolText(string text) => text.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null };

    private static string? StringField(JsonObject? body, string name)
    {
        if (body is null) return null;
        foreach (var (key, value) in body)
        {
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase) || value is null) continue;
            if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String) return text.GetValue<string>();
            throw new ApiRefusal(400, ErrorIds.ApiInvalidBody, $"{name} must be a string.");
        }

        return null;
    }

    private static JsonObject? ParseBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            if (JsonNode.Parse(body, documentOptions: BodyOptions) is JsonObject parsed)
            {
                // Names compared without case, as the Functions worker's hashtable did.
                return new JsonObject(parsed.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())), new JsonNodeOptions { PropertyNameCaseInsensitive = true });
            }
        }
        catch (JsonException)
        {
            // Not JSON: the refusal below.
        }

        throw new ApiRefusal(400, ErrorIds.ApiInvalidBody, "The body must be a JSON object: {\"vmResourceId\": \"...\", \"force\": false}.");
    }

    private static int IntQuery(ApiRequest request, string name, int fallback, int min, int max)
    {
        var text = request.QueryValue(name);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ApiRefusal(400, ErrorIds.ApiInvalidQuery, $"{name} must be a whole number from {min} to {max}.");
        }

        return value;
    }

    private static bool IsMethod(ApiRequest request, string method) => string.Equals(request.Method.Trim(), method, StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "..." : text;

    private static ApiResponse Ok(JsonNode body) => new(200, ApiJson.Write(body));

    private static ApiResponse Error(int status, string code, string message) => new(status, ApiJson.Write(ApiJson.Error(code, message))) { ErrorId = code };
}
