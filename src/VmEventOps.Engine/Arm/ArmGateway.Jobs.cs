using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Arm;

// Azure Automation runbook jobs (Microsoft.Automation, api-version AutomationApiVersion).
public sealed partial class ArmGateway
{
    private const string JobOperatorRole = "Automation Job Operator on the Automation account";

    // Job PUTs answered 429 come back to the pacer instead of Azure.Core's retry loop, which would repeat them unpaced.
    private static readonly ResponseClassifier PacedClassifier = new NoRetryOnThrottling();

    /// <summary>
    /// Starts a runbook job: one PUT. With a job name given (<see cref="RunbookJobRequest.JobId"/>), a GET first (unless
    /// the caller knows the name is new): an existing job of that name is adopted (<see cref="VmRunbookJob.AlreadyExisted"/>),
    /// and so is the one that Automation reports as existing when the PUT races another worker.
    /// </summary>
    public Task<VmRunbookJob> StartRunbookAsync(RunbookJobRequest request, CancellationToken cancellationToken) =>
        StartRunbookAsync(request, cancellationToken, deferral: CancellationToken.None);

    /// <summary>
    /// As <see cref="StartRunbookAsync(RunbookJobRequest, CancellationToken)"/>; when <paramref name="deferral"/> is cancelled
    /// (a worker stopping) while the start waits for a job slot, it gives the slot up and fails VmArmThrottled at once, so
    /// the caller defers the message instead of holding the stop for up to AutomationJobMaxWait.
    /// </summary>
    internal async Task<VmRunbookJob> StartRunbookAsync(RunbookJobRequest request, CancellationToken cancellationToken, CancellationToken deferral)
    {
        var account = AccountPath(request.AutomationAccountId);
        if (request.JobId is { } named && !request.KnownNew && await FindJobAsync(account, request.AutomationAccountId, named, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            _log.Verbose($"Runbook job {named} exists already ({existing.Status}): adopted, nothing started.");
            return existing with { AlreadyExisted = true };
        }

        var jobId = request.JobId ?? Guid.NewGuid();
        var body = new
        {
            properties = new
            {
                runbook = new { name = request.RunbookName },
                parameters = request.Parameters.ToDictionary(p => p.Key, p => JsonSerializer.Serialize(p.Value)),
                runOn = request.RunOn ?? string.Empty,
            },
        };
        return await PutJobPacedAsync(account, request, jobId, body, cancellationToken, deferral).ConfigureAwait(false);
    }

    // The job PUT, paced per account: a process never exceeds the quota by itself, and waits out a 429 instead of
    // repeating it. Held no longer than a message should be (AutomationJobMaxWait, 5 min: inside the Functions timeout of
    // host.json, while the lease is renewed) and never past the invocation's deadline (the budget's); past that it fails
    // VmArmThrottled and the caller defers the work.
    private async Task<VmRunbookJob> PutJobPacedAsync(string account, RunbookJobRequest request, Guid jobId, object body, CancellationToken cancellationToken, CancellationToken deferral)
    {
        var what = $"Starting runbook {request.RunbookName} as job {jobId}";
        var pacer = _pacers(request.AutomationAccountId);
        var waitingSince = DateTimeOffset.UtcNow;
        var maxWait = _budget.Remaining(waitingSince) is { } left && left < _options.Automation.AutomationJobMaxWait ? left : _options.Automation.AutomationJobMaxWait;
        while (true)
        {
            var slot = await pacer.AcquireAsync(maxWait - (DateTimeOffset.UtcNow - waitingSince), cancellationToken, deferral).ConfigureAwait(false);
            var waited = DateTimeOffset.UtcNow - waitingSince;
            if (waited > TimeSpan.FromSeconds(1)) _log.Verbose($"Runbook job {jobId}: waited {waited.TotalSeconds:0} s for a slot of the Automation account's job quota ({pacer.Limit} per {_options.Automation.AutomationJobWindow.TotalSeconds:0} s).");
            HttpMessage responseMessage;
            try
            {
                responseMessage = await SendAsync(RequestMethod.Put, $"{account}/jobs/{jobId:D}", _options.Automation.AutomationApiVersion, body, what, request.AutomationAccountId, cancellationToken, classifier: PacedClassifier).ConfigureAwait(false);
            }
            catch
            {
                pacer.Release(slot);
                throw;
            }

            using (responseMessage)
            {
                var response = responseMessage.Response;
                if (response.Status is 200 or 201)
                {
                    pacer.Completed(slot);
                    using var created = JsonDocument.Parse(response.Content.ToMemory());
                    _log.Verbose($"Started runbook {request.RunbookName} as job {jobId}.");
                    return ReadJob(created.RootElement, jobId, request.AutomationAccountId);
                }

                if (response.Status == 429)
                {
                    var throttled = ArmFailure.From(response, what, request.AutomationAccountId, JobOperatorRole);
                    pacer.Throttled(slot, throttled.RetryAfter);
                    if (DateTimeOffset.UtcNow - waitingSince + (throttled.RetryAfter ?? _options.Automation.AutomationJobWindow) > maxWait) throw throttled;
                    _log.Verbose($"Runbook job {jobId}: the Automation account's job quota is exhausted (429); waiting {(throttled.RetryAfter ?? _options.Automation.AutomationJobWindow).TotalSeconds:0} s.");
                    continue;
                }

                pacer.Release(slot);
                if (response.Status == 409 || ArmFailure.ReadError(response).Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
                {
                    // Another worker started it between our GET and PUT: the job is there, which is what we wanted.
                    var adopted = await FindJobAsync(account, request.AutomationAccountId, jobId, cancellationToken).ConfigureAwait(false);
                    if (adopted is not null) return adopted with { AlreadyExisted = true };
                }

                throw ArmFailure.From(response, what, request.AutomationAccountId, JobOperatorRole);
            }
        }
    }

    /// <summary>The job's current state; with <paramref name="includeStreams"/> and a job that has ended, its output and errors too.</summary>
    public async Task<VmRunbookJob> GetRunbookJobAsync(string automationAccountId, Guid jobId, bool includeStreams, CancellationToken cancellationToken)
    {
        var account = AccountPath(automationAccountId);
        var job = await FindJobAsync(account, automationAccountId, jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new VmEventOpsException(ErrorIds.ArmRequestFailed, VmErrorCategory.ObjectNotFound, $"Runbook job {jobId} does not exist in {automationAccountId}.", jobId);
        return includeStreams && job.IsTerminal ? await WithStreamsAsync(account, job, cancellationToken).ConfigureAwait(false) : job;
    }

    /// <summary>
    /// Polls the job every <paramref name="pollInterval"/> until it ends, then reads its output and errors. Past
    /// <paramref name="timeout"/> it fails with <see cref="ErrorIds.RunbookJobTimeout"/>; the job goes on in Azure.
    /// </summary>
    public async Task<VmRunbookJob> WaitRunbookJobAsync(string automationAccountId, Guid jobId, TimeSpan pollInterval, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var account = AccountPath(automationAccountId);
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            var job = await FindJobAsync(account, automationAccountId, jobId, cancellationToken).ConfigureAwait(false)
                ?? throw new VmEventOpsException(ErrorIds.ArmRequestFailed, VmErrorCategory.ObjectNotFound, $"Runbook job {jobId} does not exist in {automationAccountId}.", jobId);
            var waited = DateTimeOffset.UtcNow - started;
            _log.Progress(new HostProgress(2, $"Runbook {job.RunbookName}, job {jobId}", $"{job.Status} after {waited.TotalSeconds:0} s",
                Math.Min(99, (int)(waited.TotalSeconds * 100 / Math.Max(1, timeout.TotalSeconds))), Completed: job.IsTerminal));
            if (job.IsTerminal) return await WithStreamsAsync(account, job, cancellationToken).ConfigureAwait(false);
            if (waited >= timeout)
            {
                throw new VmEventOpsException(ErrorIds.RunbookJobTimeout, VmErrorCategory.OperationTimeout,
                    $"Runbook job {jobId} is still {job.Status} after {timeout.TotalSeconds:0} s; it goes on in Azure (Get-VmRunbookJob -JobId {jobId}).", jobId)
                { IsTransient = true };
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<VmRunbookJob?> FindJobAsync(string account, string automationAccountId, Guid jobId, CancellationToken cancellationToken)
    {
        var what = $"Reading runbook job {jobId}";
        using var responseMessage = await SendAsync(RequestMethod.Get, $"{account}/jobs/{jobId:D}", _options.Automation.AutomationApiVersion, body: null, what, automationAccountId, cancellationToken).ConfigureAwait(false);
        var response = responseMessage.Response;
        if (response.Status == 404) return null;
        if (response.Status != 200) throw ArmFailure.From(response, what, automationAccountId, JobOperatorRole);
        using var document = JsonDocument.Parse(response.Content.ToMemory());
        return ReadJob(document.RootElement, jobId, automationAccountId);
    }

    // The output and the error stream of a job that has ended. A part that cannot be read (a role without jobs/streams/read,
    // a 404, a throttled read) does not lose the job: it comes back with what was read and the failure in ReadFailures.
    private async Task<VmRunbookJob> WithStreamsAsync(string account, VmRunbookJob job, CancellationToken cancellationToken)
    {
        var failures = new List<VmEventOpsException>();
        IReadOnlyList<string> output = [];
        try
        {
            // The whole output (Job_GetOutput is text/plain), not the truncated stream summaries.
            var what = $"Reading the output of runbook job {job.JobId}";
            using var outputMessage = await SendAsync(RequestMethod.Get, $"{account}/jobs/{job.JobId:D}/output", _options.Automation.AutomationApiVersion, body: null, what, job.AutomationAccountId, cancellationToken).ConfigureAwait(false);
            var response = outputMessage.Response;
            if (response.Status != 200) throw ArmFailure.From(response, what, job.AutomationAccountId, JobOperatorRole);
            var lines = response.Content.ToString().Split(["\r\n", "\n"], StringSplitOptions.None);
            output = lines.Length == 1 && lines[0].Length == 0 ? [] : lines;
        }
        catch (VmEventOpsException e)
        {
            failures.Add(e);
        }

        var errors = new List<string>();
        try
        {
            await ReadListAsync($"{account}/jobs/{job.JobId:D}/streams", _options.Automation.AutomationApiVersion, "properties/streamType eq 'Error'",
                $"Reading the error stream of runbook job {job.JobId}", job.AutomationAccountId, JobOperatorRole, record =>
                {
                    // The filter asks for error records only; a service that sends others too is read as well.
                    if (record.ValueKind == JsonValueKind.Object && record.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                        && string.Equals(Text(properties, "streamType"), "Error", StringComparison.OrdinalIgnoreCase))
                    {
                        errors.Add(Text(properties, "summary") ?? string.Empty);
                    }
                }, cancellationToken).ConfigureAwait(false);
        }
        catch (VmEventOpsException e)
        {
            failures.Add(e);
        }
        catch (JsonException e)
        {
            failures.Add(new VmEventOpsException(ErrorIds.ArmRequestFailed, VmErrorCategory.InvalidResult, $"Reading the error stream of runbook job {job.JobId}: the answer is not JSON ({e.Message}).", job.AutomationAccountId, e));
        }

        if (job.Exception is { Length: > 0 } exception) errors.Add(exception);
        return job with { Output = output, Errors = errors, ReadFailures = failures };
    }

    private static VmRunbookJob ReadJob(JsonElement root, Guid jobId, string automationAccountId)
    {
        var properties = root.GetProperty("properties");
        return new VmRunbookJob
        {
            JobId = jobId,
            RunbookName = properties.TryGetProperty("runbook", out var runbook) ? Text(runbook, "name") ?? string.Empty : string.Empty,
            Status = Text(properties, "status") ?? "Unknown",
            StartTime = Date(properties, "startTime"),
            EndTime = Date(properties, "endTime"),
            Exception = Text(properties, "exception"),
            RunOn = Text(properties, "runOn"),
            Parameters = ReadParameters(properties),
            AutomationAccountId = automationAccountId,
        };
    }

    private static Dictionary<string, string> ReadParameters(JsonElement properties)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (properties.TryGetProperty("parameters", out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var value in values.EnumerateObject())
            {
                parameters[value.Name] = value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText();
            }
        }

        return parameters;
    }

    private static string AccountPath(string automationAccountId)
    {
        if (!AutomationAccount().IsMatch(automationAccountId))
        {
            throw new VmEventOpsException(ErrorIds.RunbookNotConfigured, VmErrorCategory.InvalidArgument,
                $"'{automationAccountId}' is not an Automation account resource ID (/subscriptions/{{guid}}/resourceGroups/{{rg}}/providers/Microsoft.Automation/automationAccounts/{{name}}).", automationAccountId);
        }

        return automationAccountId;
    }

    [GeneratedRegex(@"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w.()]{1,90}/providers/Microsoft\.Automation/automationAccounts/[-\w]{6,50}\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AutomationAccount();

    private sealed class NoRetryOnThrottling : ResponseClassifier
    {
        public override bool IsRetriableResponse(HttpMessage message) => message.Response.Status != 429 && base.IsRetriableResponse(message);
    }
}
