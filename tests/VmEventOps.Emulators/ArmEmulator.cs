using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VmEventOps.Emulators;

/// <summary>
/// Azure Resource Manager on loopback HTTPS (Azure.Core refuses bearer tokens over plain HTTP): VM and NIC GETs and
/// Automation jobs with bodies built from the official examples (<see cref="ArmExamples"/>, Examples/SOURCES.md), VMs
/// being created whose NICs appear later, job streams paged with nextLink, bearer and api-version checks, ARM error
/// bodies and request-id headers, per-route call counts and injectable faults (status, Retry-After, delay; a 429 with or
/// without the "error" wrapper).
/// </summary>
public sealed class ArmEmulator : IAsyncDisposable
{
    public const string ComputeApiVersion = "2024-11-01";
    public const string NetworkApiVersion = "2024-07-01";
    public const string AutomationApiVersion = "2024-10-23";
    private const string AccountPath = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Automation/automationAccounts/{account}";
    private const string JobPath = AccountPath + "/jobs/{job}";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ArmFault>> _faults = new(StringComparer.Ordinal);

    private ArmEmulator(WebApplication app, ArmModel model)
    {
        _app = app;
        Model = model;
    }

    public ArmModel Model { get; }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Requests seen per route ("vm", "nic").</summary>
    public int Calls(string route) => _calls.GetValueOrDefault(route);

    /// <summary>All requests seen.</summary>
    public int TotalCalls => _calls.Values.Sum();

    /// <summary>From now on answers a share of all requests with one of <paramref name="statuses"/> and Retry-After (0 to stop).</summary>
    public void FailRandomly(double rate, int[] statuses, TimeSpan retryAfter)
    {
        _randomFaults = rate <= 0 ? null : new RandomFaults(rate, statuses, retryAfter);
    }

    /// <summary>Requests answered with a random fault so far.</summary>
    public int RandomFaultsServed => Volatile.Read(ref _randomFaultsServed);

    private RandomFaults? _randomFaults;
    private int _randomFaultsServed;

    private sealed record RandomFaults(double Rate, int[] Statuses, TimeSpan RetryAfter);

    /// <summary>Automation's job quota (null: none): job creations beyond it are answered 429 with Retry-After ("job-throttled").</summary>
    public JobQuota? JobQuota { get; set; }

    /// <summary>
    /// Answers the next <paramref name="count"/> requests of a route with a fault. <paramref name="unwrapped"/>: the body
    /// without ARM's "error" wrapper (a 429 as Compute documents it, with code OperationNotAllowed and its details).
    /// </summary>
    public void Fail(string route, int status, int count = 1, TimeSpan? retryAfter = null, TimeSpan? delay = null, bool unwrapped = false)
    {
        var queue = _faults.GetOrAdd(route, _ => new ConcurrentQueue<ArmFault>());
        for (var i = 0; i < count; i++) queue.Enqueue(new ArmFault(status, retryAfter, delay, unwrapped));
    }

    public static async Task<ArmEmulator> StartAsync(X509Certificate2 certificate, ArmModel? model = null)
    {
        var app = LoopbackServer.Create(certificate);
        var emulator = new ArmEmulator(app, model ?? new ArmModel());
        app.MapGet("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}", (Delegate)emulator.GetVm);
        app.MapGet("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/{name}", (Delegate)emulator.GetNic);
        // VirtualMachines_ListAll and VirtualMachines_List, paged; Resource Graph's Resources query (ArmVmLists).
        app.MapGet("/subscriptions/{sub}/providers/Microsoft.Compute/virtualMachines", (Delegate)emulator.ListVms);
        app.MapGet("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines", (Delegate)emulator.ListVms);
        app.MapPost("/providers/Microsoft.ResourceGraph/resources", (Delegate)emulator.QueryResources);
        // VMs for a test in another process: {"resourceGroup":"rg-demo","name":"vm-x","address":"10.0.5.4"} (the VM created while
        // nobody listened), optionally with "addresses" (its primary NIC's), "osType" and "tags".
        app.MapPost("/_emulator/vms", (VmRequest v) =>
        {
            var added = emulator.Model.AddVm(v.Subscription ?? "11111111-2222-3333-4444-555555555555", v.ResourceGroup, v.Name, [v.Addresses ?? [v.Address ?? "10.0.9.4"]]) with { OsType = v.OsType ?? "Linux" };
            foreach (var (key, value) in v.Tags ?? []) added.Tags[key] = value;
            emulator.Model.Vms[added.Id] = added;
            return Results.Json(new { added.Id, added.Name, VmId = added.VmId.ToString() });
        });
        app.MapGet("/_emulator/calls", () => Results.Json(new Dictionary<string, int>(emulator._calls) { ["jobs"] = emulator.Model.Jobs.Count }));
        // When each job was created (Unix ms, in order): the burst benchmark reads how evenly the quota was used.
        app.MapGet("/_emulator/job-times", () => Results.Json(emulator.Model.Jobs.Values.Select(j => j.CreationTime.ToUnixTimeMilliseconds()).Order().ToArray()));
        // Faults for a test in another process: {"route":"vm","status":429,"count":1,"retryAfterSeconds":1200,"unwrapped":true}.
        app.MapPost("/_emulator/faults", (FaultRequest f) =>
        {
            emulator.Fail(f.Route, f.Status, f.Count ?? 1, f.RetryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, unwrapped: f.Unwrapped ?? false);
            return Results.NoContent();
        });
        // A VM deleted under a test in another process ({"id"}): the VM and its NICs are gone, as after a DELETE of both.
        app.MapPost("/_emulator/vms/delete", (DeleteVmRequest r) =>
        {
            if (!emulator.Model.Vms.TryRemove(r.Id, out var vm)) return Results.NotFound();
            foreach (var nic in vm.NicIds) emulator.Model.Nics.TryRemove(nic, out _);
            return Results.NoContent();
        });
        app.MapPut(JobPath, (Delegate)emulator.PutJob);
        app.MapGet(JobPath, (Delegate)emulator.GetJob);
        app.MapGet(JobPath + "/output", (Delegate)emulator.GetJobOutput);
        app.MapGet(JobPath + "/streams", (Delegate)emulator.GetJobStreams);
        app.MapGet(AccountPath + "/runbooks", (Delegate)emulator.ListRunbooks);
        emulator.BaseUri = await LoopbackServer.StartAsync(app);
        return emulator;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<IResult> GetVm(HttpContext context) => Serve(context, "vm", ComputeApiVersion, "Microsoft.Compute/virtualMachines/read", () =>
    {
        if (!Model.Vms.TryGetValue(context.Request.Path.Value!, out var vm)) return null;
        Model.Read(vm);
        return Results.Json(ArmExamples.Vm(vm));
    });

    private Task<IResult> ListVms(HttpContext context) => Serve(context, "vm-list", ComputeApiVersion, "Microsoft.Compute/virtualMachines/read", () =>
    {
        var skip = int.TryParse(context.Request.Query["$skiptoken"], NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : 0;
        return Results.Json(ArmVmLists.Page(Model, BaseUri, context.Request.Path.Value!, (string)context.Request.RouteValues["sub"]!, context.Request.RouteValues["rg"] as string, skip));
    });

    private async Task<IResult> QueryResources(HttpContext context)
    {
        System.Text.Json.JsonDocument? body = null;
        try
        {
            body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        using (body)
        {
            return await Serve(context, "graph", ArmVmLists.ResourceGraphApiVersion, "Microsoft.ResourceGraph/resources/read", () =>
                body is not null && ArmVmLists.Query(Model, body.RootElement) is { } page
                    ? Results.Json(page)
                    : Error(400, "BadRequest", "Please provide below info when asking for support: the emulator answers queries of microsoft.compute/virtualmachines only."));
        }
    }

    private Task<IResult> GetNic(HttpContext context) => Serve(context, "nic", NetworkApiVersion, "Microsoft.Network/networkInterfaces/read", () =>
        Model.Nics.TryGetValue(context.Request.Path.Value!, out var nic)
            ? Results.Json(ArmExamples.Nic(nic, Model.Vms.TryGetValue(nic.VmId, out var vm) ? vm.Location : "westeurope"))
            : null);

    private async Task<IResult> PutJob(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        System.Text.Json.JsonDocument? body = null;
        try
        {
            body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return await Serve(context, "job-put", AutomationApiVersion, "Microsoft.Automation/automationAccounts/jobs/write", () =>
        {
            using (body)
            {
                if (body is null || !body.RootElement.TryGetProperty("properties", out var properties)
                    || !properties.TryGetProperty("runbook", out var runbook) || runbook.GetProperty("name").GetString() is not { Length: > 0 } runbookName)
                {
                    return Results.Json(new { code = "BadRequest", message = "The runbook name is required." }, statusCode: 400);
                }

                if (Model.Jobs.ContainsKey(path))
                {
                    // As Automation answers a reused job name.
                    return Results.Json(new { code = "Conflict", message = $"Job with specified id already exists. Job id: {context.Request.RouteValues["job"]}" }, statusCode: 409);
                }

                if (JobQuota is { } quota && !quota.TryTake(out var retryAfter))
                {
                    _calls.AddOrUpdate("job-throttled", 1, (_, n) => n + 1);
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    return Error(429, "TooManyRequests", $"The job quota of the Automation account ({quota.PerWindow} new jobs per {quota.Window.TotalSeconds:0} s) is exceeded.");
                }

                var parameters = properties.TryGetProperty("parameters", out var p) && p.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString() ?? string.Empty)
                    : new Dictionary<string, string>();
                var runOn = properties.TryGetProperty("runOn", out var r) ? r.GetString() ?? string.Empty : string.Empty;
                var script = Model.Runbooks.GetValueOrDefault(runbookName) ?? new RunbookScript("Completed", [$"Onboarded by {runbookName}"], [], null);
                var job = new ArmJob(path, (string)context.Request.RouteValues["job"]!, runbookName, parameters, runOn, script);
                Model.Jobs[path] = job;
                return Results.Json(ArmExamples.Job(job, created: true), statusCode: 201);
            }
        });
    }

    private Task<IResult> GetJob(HttpContext context) => Serve(context, "job-get", AutomationApiVersion, "Microsoft.Automation/automationAccounts/jobs/read", () =>
    {
        if (!Model.Jobs.TryGetValue(context.Request.Path.Value!, out var job)) return null;
        job.Advance();
        return Results.Json(ArmExamples.Job(job, created: false));
    });

    // Job_GetOutput answers text/plain (automation-job-output.json).
    private Task<IResult> GetJobOutput(HttpContext context) => Serve(context, "job-output", AutomationApiVersion, "Microsoft.Automation/automationAccounts/jobs/output/action", () =>
        Model.Jobs.TryGetValue(context.Request.Path.Value![..^"/output".Length], out var job) ? Results.Text(string.Join("\r\n", job.Script.Output), "text/plain") : null);

    // JobStream_ListByJob, paged: StreamPageSize records a page, the rest behind an absolute nextLink with $skiptoken.
    private Task<IResult> GetJobStreams(HttpContext context) => Serve(context, "job-streams", AutomationApiVersion, "Microsoft.Automation/automationAccounts/jobs/streams/read", () =>
    {
        var path = context.Request.Path.Value!;
        if (!Model.Jobs.TryGetValue(path[..^"/streams".Length], out var job)) return null;
        var filter = context.Request.Query["$filter"].ToString();
        var records = job.Script.Errors.Select(e => (Type: "Error", Text: e)).Concat(job.Script.Output.Select(o => (Type: "Output", Text: o)))
            .Select((r, i) => (Index: i, r.Type, r.Text))
            .Where(r => filter.Length == 0 || filter.Contains($"'{r.Type}'", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var skip = int.TryParse(context.Request.Query["$skiptoken"], NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : 0;
        var page = records.Skip(skip).Take(Model.StreamPageSize).ToArray();
        string? next = null;
        if (skip + page.Length < records.Length)
        {
            var query = $"?api-version={AutomationApiVersion}{(filter.Length == 0 ? string.Empty : "&$filter=" + Uri.EscapeDataString(filter))}&$skiptoken={skip + page.Length}";
            next = Model.RelativeStreamNextLink ? path + query : new Uri(Model.StreamNextLinkBase ?? BaseUri, path + query).AbsoluteUri;
        }

        return Results.Json(ArmExamples.StreamPage(job, page, next));
    });

    // Runbook_ListByAutomationAccount, paged as Automation's lists are (x-ms-pageable, nextLink): RunbookPageSize runbooks a
    // page, in name order as the example lists them, the rest behind an absolute nextLink with $skiptoken. An account
    // without runbooks in the model does not exist: 404 as ARM answers a missing parent resource.
    private Task<IResult> ListRunbooks(HttpContext context) => Serve(context, "runbook-list", AutomationApiVersion, "Microsoft.Automation/automationAccounts/runbooks/read", () =>
    {
        var path = context.Request.Path.Value!;
        var prefix = path + "/";
        var runbooks = Model.AccountRunbooks.Values.Where(r => r.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToArray();
        if (runbooks.Length == 0) return null;
        var skip = int.TryParse(context.Request.Query["$skiptoken"], NumberStyles.None, CultureInfo.InvariantCulture, out var token) ? token : 0;
        var page = runbooks.Skip(skip).Take(Model.RunbookPageSize).ToArray();
        var next = skip + page.Length < runbooks.Length
            ? new Uri(BaseUri, $"{path}?api-version={AutomationApiVersion}&$skiptoken={skip + page.Length}").AbsoluteUri
            : null;
        return Results.Json(ArmExamples.RunbookPage(page, next));
    });

    private async Task<IResult> Serve(HttpContext context, string route, string apiVersion, string action, Func<IResult?> answer)
    {
        _calls.AddOrUpdate(route, 1, (_, n) => n + 1);
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        context.Response.Headers["x-ms-correlation-request-id"] = Guid.NewGuid().ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length < 20)
        {
            return Error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }

        if (context.Request.Query["api-version"] != apiVersion)
        {
            return Error(400, "InvalidApiVersionParameter", $"The api-version '{context.Request.Query["api-version"]}' is invalid. The supported versions include '{apiVersion}'.");
        }

        if (_randomFaults is { } random && Random.Shared.NextDouble() < random.Rate)
        {
            Interlocked.Increment(ref _randomFaultsServed);
            _faults.GetOrAdd(route, _ => new ConcurrentQueue<ArmFault>()).Enqueue(new ArmFault(random.Statuses[Random.Shared.Next(random.Statuses.Length)], random.RetryAfter, null));
        }

        if (_faults.TryGetValue(route, out var faults) && faults.TryDequeue(out var fault))
        {
            if (fault.Delay is { } delay) await Task.Delay(delay, context.RequestAborted);
            if (fault.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            if (fault.Status == 429 && fault.Unwrapped) return Results.Json(ArmExamples.ComputeThrottling(), statusCode: 429);
            if (fault.Status != 200)
            {
                return fault.Status switch
                {
                    403 => Error(403, "AuthorizationFailed", $"The client 'emulator' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action '{action}' over scope '{context.Request.Path}' or the scope is invalid."),
                    404 => Error(404, "ResourceNotFound", $"The Resource '{context.Request.Path}' was not found."),
                    409 => Error(409, "Conflict", "The request conflicts with the current state of the resource."),
                    429 => Error(429, "TooManyRequests", "The request is being throttled."),
                    _ => Error(fault.Status, "InternalServerError", "The server encountered an internal error."),
                };
            }
        }

        return answer() ?? Error(404, "ResourceNotFound", $"The Resource '{context.Request.Path}' was not found.");
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { error = new { code, message } }, statusCode: status);

    private sealed record VmRequest(string ResourceGroup, string Name, string? Address, string? Subscription, string[]? Addresses = null, string? OsType = null, Dictionary<string, string>? Tags = null);

    private sealed record FaultRequest(string Route, int Status, int? Count, int? RetryAfterSeconds, bool? Unwrapped);

    private sealed record DeleteVmRequest(string Id);

    private sealed record ArmFault(int Status, TimeSpan? RetryAfter, TimeSpan? Delay, bool Unwrapped = false);
}
