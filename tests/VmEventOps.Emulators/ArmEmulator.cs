using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VmEventOps.Emulators;

/// <summary>
/// Azure Resource Manager on loopback HTTPS (Azure.Core refuses bearer tokens over plain HTTP): VM and NIC
/// GETs with the real JSON shapes (see tests/samples/azure), bearer and api-version checks, ARM error bodies
/// and request-id headers, per-route call counts and injectable faults (status, Retry-After, delay).
/// </summary>
public sealed class ArmEmulator : IAsyncDisposable
{
    public const string ComputeApiVersion = "2024-11-01";
    public const string NetworkApiVersion = "2024-07-01";

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

    /// <summary>Answers the next <paramref name="count"/> requests of a route with a fault.</summary>
    public void Fail(string route, int status, int count = 1, TimeSpan? retryAfter = null, TimeSpan? delay = null)
    {
        var queue = _faults.GetOrAdd(route, _ => new ConcurrentQueue<ArmFault>());
        for (var i = 0; i < count; i++) queue.Enqueue(new ArmFault(status, retryAfter, delay));
    }

    public static async Task<ArmEmulator> StartAsync(X509Certificate2 certificate, ArmModel? model = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var emulator = new ArmEmulator(app, model ?? new ArmModel());
        app.MapGet("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}", (Delegate)emulator.GetVm);
        app.MapGet("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/{name}", (Delegate)emulator.GetNic);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        return emulator;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private Task<IResult> GetVm(HttpContext context) => Serve(context, "vm", ComputeApiVersion, "Microsoft.Compute/virtualMachines/read", () =>
        Model.Vms.TryGetValue(context.Request.Path.Value!, out var vm) ? Results.Json(VmJson(vm)) : null);

    private Task<IResult> GetNic(HttpContext context) => Serve(context, "nic", NetworkApiVersion, "Microsoft.Network/networkInterfaces/read", () =>
        Model.Nics.TryGetValue(context.Request.Path.Value!, out var nic) ? Results.Json(NicJson(nic)) : null);

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

        if (_faults.TryGetValue(route, out var faults) && faults.TryDequeue(out var fault))
        {
            if (fault.Delay is { } delay) await Task.Delay(delay, context.RequestAborted);
            if (fault.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
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

    // Shapes as compute-vm-get.json (api-version 2024-11-01).
    private static object VmJson(ArmVm vm) => new Dictionary<string, object?>
    {
        ["name"] = vm.Name,
        ["id"] = vm.Id,
        ["type"] = "Microsoft.Compute/virtualMachines",
        ["location"] = vm.Location,
        ["tags"] = vm.Tags,
        ["etag"] = "\"1\"",
        ["properties"] = new Dictionary<string, object?>
        {
            ["vmId"] = vm.VmId.ToString(),
            ["hardwareProfile"] = new { vmSize = "Standard_D2s_v5" },
            ["storageProfile"] = new { osDisk = new { osType = vm.OsType, name = vm.Name + "-osdisk", createOption = "FromImage" } },
            ["networkProfile"] = new
            {
                networkInterfaces = vm.NicIds.Select((id, i) => new Dictionary<string, object?>
                {
                    ["id"] = id,
                    ["properties"] = vm.NicIds.Count > 1 ? new { primary = i == 0 } : null,
                }).ToArray(),
            },
            ["provisioningState"] = vm.ProvisioningState,
            ["timeCreated"] = vm.TimeCreated.ToString("O", CultureInfo.InvariantCulture),
        },
    };

    // Shapes as nic-get.json (api-version 2024-07-01).
    private static object NicJson(ArmNic nic) => new Dictionary<string, object?>
    {
        ["name"] = nic.Id[(nic.Id.LastIndexOf('/') + 1)..],
        ["id"] = nic.Id,
        ["location"] = "westeurope",
        ["properties"] = new Dictionary<string, object?>
        {
            ["provisioningState"] = nic.IpConfigurations.All(c => c.PrivateIpAddress is not null) ? "Succeeded" : "Updating",
            ["ipConfigurations"] = nic.IpConfigurations.Select(c => new Dictionary<string, object?>
            {
                ["name"] = c.Name,
                ["id"] = $"{nic.Id}/ipConfigurations/{c.Name}",
                ["properties"] = new Dictionary<string, object?>
                {
                    ["provisioningState"] = "Succeeded",
                    ["privateIPAddress"] = c.PrivateIpAddress,
                    ["privateIPAllocationMethod"] = "Dynamic",
                    ["publicIPAddress"] = c.PublicIpAddressId is null ? null : new { id = c.PublicIpAddressId },
                    ["primary"] = c.Primary,
                    ["privateIPAddressVersion"] = "IPv4",
                },
            }).ToArray(),
            ["primary"] = nic.Primary,
            ["virtualMachine"] = new { id = nic.VmId },
        },
    };

    private sealed record ArmFault(int Status, TimeSpan? RetryAfter, TimeSpan? Delay);
}
