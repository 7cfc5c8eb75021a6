using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Identity;
using VmEventOps.Engine.Logging;

namespace VmEventOps.Engine.Arm;

/// <summary>
/// The one class that talks to Azure Resource Manager (VMs and NICs here), over the Azure.Core pipeline
/// with pinned api-versions: bearer tokens from the identity's credential, Azure.Core's retries for
/// 429/5xx honouring Retry-After within the invocation's <see cref="ArmRetryBudget"/> (a longer wait is
/// VmArmThrottled at once), lists read to the end of their nextLinks. Typed packages
/// (Azure.ResourceManager.Network and .Automation are not served here) can replace it later without touching a cmdlet.
/// </summary>
public sealed partial class ArmGateway
{
    private const string ReaderRole = "Reader on the VM's resource group or subscription";

    private readonly HttpPipeline _pipeline;
    private readonly VmEventOptions _options;
    private readonly IHostLog _log;
    private readonly ArmRetryBudget _budget;
    private readonly Func<string, AutomationJobPacer> _pacers;

    internal ArmGateway(HttpPipeline pipeline, VmEventOptions options, IHostLog log, ArmRetryBudget budget, Func<string, AutomationJobPacer> pacers)
    {
        _pacers = pacers;
        _pipeline = pipeline;
        _options = options;
        _log = log;
        _budget = budget;
    }

    /// <summary>The ARM pipeline of an identity: its bearer tokens for <paramref name="scope"/>, the retry policy within each request's budget.</summary>
    internal static HttpPipeline BuildPipeline(TokenCredential credential, string scope) =>
        HttpPipelineBuilder.Build(new ArmPipelineOptions(), new BearerTokenAuthenticationPolicy(credential, scope));

    /// <summary>This gateway with its waits ending by <paramref name="deadline"/> too (a worker's run, a message's lease); the same pipeline.</summary>
    internal ArmGateway Within(DateTimeOffset? deadline) => new(_pipeline, _options, _log, _budget.Until(deadline), _pacers);

    /// <summary>
    /// The VM and its addresses: one VM GET, then one GET per NIC, in parallel. A VM that no longer exists is
    /// <see cref="ErrorIds.VmNotFound"/>, one being deleted <see cref="ErrorIds.VmDeleting"/>, one whose provisioning failed
    /// <see cref="ErrorIds.VmProvisioningFailed"/>. A VM still being created whose NIC does not exist yet (404) or has no
    /// private address yet is a transient <see cref="ErrorIds.VmCreating"/>; so is one that names no NIC yet. The NIC of a VM
    /// that exists answering 404, or without an address, is a transient <see cref="ErrorIds.NicNotReady"/>.
    /// </summary>
    public async Task<VmNetworkInfo> GetVmNetworkInfoAsync(VmResourceId vm, CancellationToken cancellationToken)
    {
        using var vmDocument = await GetAsync(vm.Value, _options.Arm.ComputeApiVersion, $"Reading VM {vm.Name}", vm.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new VmEventOpsException(ErrorIds.VmNotFound, VmErrorCategory.ObjectNotFound, $"Reading VM {vm.Name}: it does not exist (deleted, or never created).", vm.Value);
        var root = vmDocument.RootElement;
        var properties = root.GetProperty("properties");
        var state = Text(properties, "provisioningState");
        if (string.Equals(state, "Deleting", StringComparison.OrdinalIgnoreCase))
        {
            throw new VmEventOpsException(ErrorIds.VmDeleting, VmErrorCategory.ObjectNotFound, $"VM {vm.Name} is being deleted (provisioningState Deleting): nothing to onboard.", vm.Value);
        }

        if (string.Equals(state, "Failed", StringComparison.OrdinalIgnoreCase))
        {
            throw new VmEventOpsException(ErrorIds.VmProvisioningFailed, VmErrorCategory.InvalidResult,
                $"VM {vm.Name}: its last write failed (provisioningState Failed); see the VM's activity log. A later successful write raises a new event.", vm.Value);
        }

        var creating = string.Equals(state, "Creating", StringComparison.OrdinalIgnoreCase);
        var nics = properties.TryGetProperty("networkProfile", out var network) && network.TryGetProperty("networkInterfaces", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(n => (Id: n.GetProperty("id").GetString()!, Primary: n.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("primary", out var primary) && primary.ValueKind == JsonValueKind.True)).ToArray()
            : [];
        if (creating && nics.Length == 0)
        {
            throw new VmEventOpsException(ErrorIds.VmCreating, VmErrorCategory.ResourceUnavailable, $"VM {vm.Name} is still being created (provisioningState Creating) and names no network interface yet; try again later.", vm.Value) { IsTransient = true };
        }

        var primaryNic = nics.FirstOrDefault(n => n.Primary).Id ?? nics.FirstOrDefault().Id;
        var ordered = nics.OrderByDescending(n => n.Id == primaryNic).Select(n => n.Id).ToArray();
        var addresses = await Task.WhenAll(ordered.Select(id => GetNicAddressesAsync(id, vm, creating, cancellationToken))).ConfigureAwait(false);

        var info = new VmNetworkInfo
        {
            VmResourceId = vm.Value,
            VmId = Guid.Parse(properties.GetProperty("vmId").GetString()!),
            VmName = vm.Name,
            Location = Text(root, "location"),
            ProvisioningState = state,
            OsType = properties.TryGetProperty("storageProfile", out var storage) && storage.TryGetProperty("osDisk", out var disk) ? Text(disk, "osType") : null,
            TimeCreated = Date(properties, "timeCreated"),
            Tags = root.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object
                ? tags.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString() ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(),
            PrimaryNicId = primaryNic,
            PrivateIpAddress = addresses.Length > 0 && addresses[0].Private is [var first, ..] ? first : null,
            PrivateIpAddresses = addresses.SelectMany(a => a.Private).ToArray(),
            PublicIpAddressIds = addresses.SelectMany(a => a.Public).ToArray(),
        };
        _log.Verbose($"VM {vm.Name}: vmId {info.VmId}, {state}, {ordered.Length} NIC(s), private address {info.PrivateIpAddress}.");
        return info;
    }

    private async Task<(IReadOnlyList<string> Private, IReadOnlyList<string> Public)> GetNicAddressesAsync(string nicId, VmResourceId vm, bool creating, CancellationToken cancellationToken)
    {
        // The NIC id comes from ARM's answer; it goes into a URL only if it is a NIC id, its name escaped as one path segment.
        var parsed = NicId().Match(nicId);
        if (!parsed.Success)
        {
            throw new VmEventOpsException(ErrorIds.ArmRequestFailed, VmErrorCategory.InvalidResult, $"VM {vm.Name} names a network interface '{nicId}' that is not a NIC resource ID.", vm.Value);
        }

        var nicName = parsed.Groups["name"].Value;
        var nicPath = parsed.Groups["scope"].Value + Uri.EscapeDataString(nicName);
        VmEventOpsException NotReady(string what) => creating
            ? new(ErrorIds.VmCreating, VmErrorCategory.ResourceUnavailable, $"VM {vm.Name} is still being created (provisioningState Creating) and its network interface {nicName} {what}; try again later.", vm.Value) { IsTransient = true }
            : new(ErrorIds.NicNotReady, VmErrorCategory.ResourceUnavailable, $"Network interface {nicId} of VM {vm.Name} {what} (still provisioning); try again later.", vm.Value) { IsTransient = true };

        using var document = await GetAsync(nicPath, _options.Arm.NetworkApiVersion, $"Reading network interface {nicName} of VM {vm.Name}", vm.Value, cancellationToken).ConfigureAwait(false)
            ?? throw NotReady("does not exist yet");
        var configurations = document.RootElement.GetProperty("properties").TryGetProperty("ipConfigurations", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
                .Select(c => c.GetProperty("properties"))
                .OrderByDescending(p => p.TryGetProperty("primary", out var primary) && primary.ValueKind == JsonValueKind.True)
                .ToArray()
            : [];
        var addresses = configurations.Select(p => Text(p, "privateIPAddress")).ToArray();
        if (addresses.Length == 0 || addresses.Any(string.IsNullOrEmpty)) throw NotReady("has no private IP address yet");

        var publicIds = configurations
            .Select(p => p.TryGetProperty("publicIPAddress", out var ip) && ip.ValueKind == JsonValueKind.Object ? Text(ip, "id") : null)
            .OfType<string>().ToArray();
        // An address may come in CIDR form (172.20.2.16/28): the address is what callers connect to.
        return (addresses.Select(a => a!.Split('/')[0]).ToArray(), publicIds);
    }

    // A GET answered 200, or null when the resource does not exist (404).
    private async Task<JsonDocument?> GetAsync(string path, string apiVersion, string what, object target, CancellationToken cancellationToken)
    {
        using var message = await SendAsync(RequestMethod.Get, path, apiVersion, body: null, what, target, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status == 200) return JsonDocument.Parse(response.Content.ToMemory());
        if (response.Status == 404) return null;
        throw ArmFailure.From(response, what, target, ReaderRole);
    }

    // One request through the pipeline (bearer token, retries within the budget); the caller reads the status and disposes the
    // message. The path is built only from parsed, validated IDs; a next page's link only from one on the ARM endpoint
    // (NextPage). A retry the budget refused for the wait the service named is VmArmThrottled here, whatever the status.
    private async Task<HttpMessage> SendAsync(RequestMethod method, string path, string apiVersion, object? body, string what, object target, CancellationToken cancellationToken, string? query = null, ResponseClassifier? classifier = null, Uri? page = null)
    {
        var message = _pipeline.CreateMessage();
        if (classifier is not null) message.ResponseClassifier = classifier;
        message.SetProperty(typeof(ArmRetryBudget), _budget);
        var request = message.Request;
        request.Method = method;
        if (page is not null)
        {
            request.Uri.Reset(page);
        }
        else
        {
            request.Uri.Reset(_options.Arm.ArmEndpoint);
            request.Uri.AppendPath(path, escape: false);
            request.Uri.AppendQuery("api-version", apiVersion);
            if (query is not null) request.Uri.AppendQuery("$filter", query);
        }

        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body));
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailure.AsRequestFailure(e) is { } failure)
        {
            message.Dispose();
            throw AzureFailure.From(failure, ErrorIds.ArmRequestFailed, what, target);
        }
        catch
        {
            message.Dispose();
            throw;
        }

        if (message.TryGetProperty(typeof(ArmRetryRefusal), out var refused) && refused is ArmRetryRefusal { NamedWait: { } wait } refusal)
        {
            using (message) throw ArmFailure.NotWaited(message.Response, wait, refusal.Why, what, target);
        }

        return message;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // ARM sends null for times that have not happened yet (a job's endTime).
    private static DateTimeOffset? Date(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;

    // The scope strictly; the name as ARM allows it (letters, digits, _ . -), and anything else but a path or query character,
    // which only goes into the URL escaped.
    [GeneratedRegex(@"^(?<scope>/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w.()]{1,90}/providers/Microsoft\.Network/networkInterfaces/)(?<name>[^/?#%\s]{1,80})\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NicId();

    // Azure.Core retries 408, 429, 500, 502, 503, 504 and connection failures (5 times, exponential from 1 s, at most 30 s
    // apart), waiting for Retry-After when given, within the request's budget (ArmRetryPolicy).
    private sealed class ArmPipelineOptions : ClientOptions
    {
        public ArmPipelineOptions()
        {
            RetryPolicy = new ArmRetryPolicy(maxRetries: 5, delay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromSeconds(30));
            AddPolicy(ArmRequestMetricsPolicy.Instance, HttpPipelinePosition.PerRetry);
        }
    }
}
