using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Diagnostics;
using VmEventOps.Engine.Events;
using VmEventOps.Engine.Identity;

namespace VmEventOps.Engine.Azure;

/// <summary>
/// The one class that talks to Azure Resource Manager (VMs and NICs here), over the Azure.Core pipeline
/// with pinned api-versions: bearer tokens from the identity's credential, Azure.Core's retries for
/// 429/5xx honouring Retry-After. Typed packages (Azure.ResourceManager.Network and .Automation are not
/// served here) can replace it later without touching a cmdlet.
/// </summary>
public sealed partial class ArmGateway
{
    private const string ReaderRole = "Reader on the VM's resource group or subscription";

    // One pipeline per ARM endpoint and identity, per process.
    private static readonly ConcurrentDictionary<(string Endpoint, TokenCredential Credential), HttpPipeline> Pipelines = new();

    private readonly HttpPipeline _pipeline;
    private readonly VmEventOptions _options;
    private readonly IHostLog _log;

    internal ArmGateway(HttpPipeline pipeline, VmEventOptions options, IHostLog log)
    {
        _pipeline = pipeline;
        _options = options;
        _log = log;
    }

    /// <summary>The gateway for these settings, on the process-wide pipeline of the identity.</summary>
    public static ArmGateway Create(VmEventOptions options, IHostLog log)
    {
        var provider = TokenProvider.For(options);
        var scope = TokenProvider.ScopeFor(provider.AudienceFor(TokenResourceType.Arm));
        var pipeline = Pipelines.GetOrAdd((options.ArmEndpoint.AbsoluteUri, provider.Credential), key =>
            HttpPipelineBuilder.Build(new ArmPipelineOptions(), new BearerTokenAuthenticationPolicy(key.Credential, scope)));
        return new ArmGateway(pipeline, options, log);
    }

    /// <summary>
    /// The VM and its addresses: one VM GET, then one GET per NIC, in parallel. A VM that no longer exists is
    /// <see cref="ErrorIds.VmNotFound"/>; a NIC without a private address yet is a transient <see cref="ErrorIds.NicNotReady"/>.
    /// </summary>
    public async Task<VmNetworkInfo> GetVmNetworkInfoAsync(VmResourceId vm, CancellationToken cancellationToken)
    {
        using var vmDocument = await GetAsync(vm.Value, _options.ComputeApiVersion, $"Reading VM {vm.Name}", vm.Value, notFound: ErrorIds.VmNotFound, cancellationToken).ConfigureAwait(false);
        var root = vmDocument.RootElement;
        var properties = root.GetProperty("properties");
        var nics = properties.TryGetProperty("networkProfile", out var network) && network.TryGetProperty("networkInterfaces", out var list)
            ? list.EnumerateArray().Select(n => (Id: n.GetProperty("id").GetString()!, Primary: n.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("primary", out var primary) && primary.ValueKind == JsonValueKind.True)).ToArray()
            : [];
        var primaryNic = nics.FirstOrDefault(n => n.Primary).Id ?? nics.FirstOrDefault().Id;
        var ordered = nics.OrderByDescending(n => n.Id == primaryNic).Select(n => n.Id).ToArray();
        var addresses = await Task.WhenAll(ordered.Select(id => GetNicAddressesAsync(id, vm, cancellationToken))).ConfigureAwait(false);

        var info = new VmNetworkInfo
        {
            VmResourceId = vm.Value,
            VmId = Guid.Parse(properties.GetProperty("vmId").GetString()!),
            VmName = vm.Name,
            Location = Text(root, "location"),
            ProvisioningState = Text(properties, "provisioningState"),
            OsType = properties.TryGetProperty("storageProfile", out var storage) && storage.TryGetProperty("osDisk", out var disk) ? Text(disk, "osType") : null,
            TimeCreated = Date(properties, "timeCreated"),
            Tags = root.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object
                ? tags.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetString() ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(),
            PrimaryNicId = primaryNic,
            PrivateIpAddress = addresses.Length > 0 ? addresses[0].Private.FirstOrDefault() : null,
            PrivateIpAddresses = addresses.SelectMany(a => a.Private).ToArray(),
            PublicIpAddressIds = addresses.SelectMany(a => a.Public).ToArray(),
        };
        _log.Verbose($"VM {vm.Name}: vmId {info.VmId}, {ordered.Length} NIC(s), private address {info.PrivateIpAddress}.");
        return info;
    }

    private async Task<(IReadOnlyList<string> Private, IReadOnlyList<string> Public)> GetNicAddressesAsync(string nicId, VmResourceId vm, CancellationToken cancellationToken)
    {
        // The NIC id comes from ARM's answer; it still goes into a URL only if it is exactly a NIC id.
        if (!NicId().IsMatch(nicId))
        {
            throw new VmEventOpsException(ErrorIds.ArmRequestFailed, VmErrorCategory.InvalidResult, $"VM {vm.Name} names a network interface '{nicId}' that is not a NIC resource ID.", vm.Value);
        }

        using var document = await GetAsync(nicId, _options.NetworkApiVersion, $"Reading network interface {nicId[(nicId.LastIndexOf('/') + 1)..]} of VM {vm.Name}", vm.Value, notFound: null, cancellationToken).ConfigureAwait(false);
        var configurations = document.RootElement.GetProperty("properties").GetProperty("ipConfigurations").EnumerateArray()
            .Select(c => c.GetProperty("properties"))
            .OrderByDescending(p => p.TryGetProperty("primary", out var primary) && primary.ValueKind == JsonValueKind.True)
            .ToArray();
        var addresses = configurations.Select(p => Text(p, "privateIPAddress")).ToArray();
        if (addresses.Length == 0 || addresses.Any(string.IsNullOrEmpty))
        {
            throw new VmEventOpsException(ErrorIds.NicNotReady, VmErrorCategory.ResourceUnavailable,
                $"Network interface {nicId} of VM {vm.Name} has no private IP address yet (still provisioning); try again later.", vm.Value) { IsTransient = true };
        }

        var publicIds = configurations
            .Select(p => p.TryGetProperty("publicIPAddress", out var ip) && ip.ValueKind == JsonValueKind.Object ? Text(ip, "id") : null)
            .OfType<string>().ToArray();
        // An address may come in CIDR form (172.20.2.16/28): the address is what callers connect to.
        return (addresses.Select(a => a!.Split('/')[0]).ToArray(), publicIds);
    }

    private async Task<JsonDocument> GetAsync(string path, string apiVersion, string what, object target, string? notFound, CancellationToken cancellationToken)
    {
        using var message = await SendAsync(RequestMethod.Get, path, apiVersion, body: null, what, target, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.Status == 200) return JsonDocument.Parse(response.Content.ToMemory());
        if (response.Status == 404 && notFound is not null)
        {
            throw new VmEventOpsException(notFound, VmErrorCategory.ObjectNotFound, $"{what}: it does not exist (deleted, or never created).", target);
        }

        throw ArmFailure.From(response, what, target, ReaderRole);
    }

    // One request through the pipeline (bearer token, retries); the caller reads the status and disposes the message. The path is built
    // only from parsed, validated IDs.
    private async Task<HttpMessage> SendAsync(RequestMethod method, string path, string apiVersion, object? body, string what, object target, CancellationToken cancellationToken, string? query = null, ResponseClassifier? classifier = null)
    {
        var message = _pipeline.CreateMessage();
        if (classifier is not null) message.ResponseClassifier = classifier;
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(_options.ArmEndpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Uri.AppendQuery("api-version", apiVersion);
        if (query is not null) request.Uri.AppendQuery("$filter", query);
        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body));
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return message;
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
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // ARM sends null for times that have not happened yet (a job's endTime).
    private static DateTimeOffset? Date(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;

    [GeneratedRegex(@"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w.()]{1,90}/providers/Microsoft\.Network/networkInterfaces/[-\w.]{1,80}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NicId();

    // Azure.Core retries 408, 429, 500, 502, 503, 504 and connection failures, waiting for Retry-After when given.
    private sealed class ArmPipelineOptions : ClientOptions
    {
        public ArmPipelineOptions()
        {
            Retry.Mode = RetryMode.Exponential;
            Retry.MaxRetries = 5;
            Retry.Delay = TimeSpan.FromSeconds(1);
            Retry.MaxDelay = TimeSpan.FromSeconds(30);
            AddPolicy(ArmRequestMetricsPolicy.Instance, HttpPipelinePosition.PerRetry);
        }
    }
}
