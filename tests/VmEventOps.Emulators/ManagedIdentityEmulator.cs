using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VmEventOps.Emulators;

/// <summary>
/// The managed-identity token endpoints on loopback: App Service / Functions (<c>IDENTITY_ENDPOINT</c> +
/// <c>IDENTITY_HEADER</c>, api-version 2019-08-01) and VM IMDS (<c>Metadata: true</c>, reached through
/// <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>). Issues unsigned JWTs with realistic claims, counts requests,
/// and can be told to fail.
/// </summary>
public sealed class ManagedIdentityEmulator : IAsyncDisposable
{
    public const string AppServicePath = "/msi/token";
    public const string ImdsPath = "/metadata/identity/oauth2/token";

    // What real IMDS sends in its Server header.
    private const string ImdsServer = "IMDS/150.870.65.1854";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, TimeSpan? RetryAfter)> _failures = new();
    private readonly ConcurrentQueue<string> _resources = new();
    private int _appServiceRequests;
    private int _imdsRequests;

    private ManagedIdentityEmulator(WebApplication app) => _app = app;

    /// <summary>The secret App Service puts in IDENTITY_HEADER.</summary>
    public string IdentityHeader { get; } = Guid.NewGuid().ToString("n");

    public string TenantId { get; init; } = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    /// <summary>The system-assigned identity.</summary>
    public ManagedIdentity SystemAssigned { get; } = new(
        Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-func/providers/Microsoft.Web/sites/func-vmeventops");

    /// <summary>User-assigned identities the emulator knows; others are refused with 400.</summary>
    public ConcurrentDictionary<string, ManagedIdentity> UserAssigned { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long issued tokens live.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>What App Service sets in IDENTITY_ENDPOINT.</summary>
    public Uri AppServiceEndpoint => new(BaseUri, AppServicePath);

    public int AppServiceRequests => Volatile.Read(ref _appServiceRequests);

    public int ImdsRequests => Volatile.Read(ref _imdsRequests);

    /// <summary>The resource (audience) of every token request, in order: which tokens were asked for.</summary>
    public IReadOnlyCollection<string> RequestedResources => _resources.ToArray();

    /// <summary>Adds a user-assigned identity and returns it.</summary>
    public ManagedIdentity AddUserAssigned(string name)
    {
        var identity = new ManagedIdentity(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(),
            $"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}");
        UserAssigned[identity.ClientId] = identity;
        return identity;
    }

    /// <summary>Answers the next <paramref name="count"/> token requests with <paramref name="status"/> (and Retry-After).</summary>
    public void FailNext(int status, int count = 1, TimeSpan? retryAfter = null)
    {
        for (var i = 0; i < count; i++) _failures.Enqueue((status, retryAfter));
    }

    public static async Task<ManagedIdentityEmulator> StartAsync()
    {
        var app = LoopbackServer.Create(certificate: null);   // plain HTTP, as the platform's identity endpoints are
        var emulator = new ManagedIdentityEmulator(app);
        app.MapGet(AppServicePath, (Delegate)emulator.AppService);
        app.MapGet(ImdsPath, (Delegate)emulator.Imds);
        // An IMDS without the v2 (certificate) protocol, as most VMs have: MSAL probes it first and falls back to v1.
        app.MapGet("/metadata/identity/getplatformmetadata", (HttpContext c) => { c.Response.Headers.Server = ImdsServer; return Error(400, "Bad request: cred-api-version 2.0 is not supported."); });
        app.MapGet("/_emulator/requests", () => Results.Json(new Dictionary<string, int> { ["appService"] = emulator.AppServiceRequests, ["imds"] = emulator.ImdsRequests }));
        emulator.BaseUri = await LoopbackServer.StartAsync(app);
        return emulator;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult AppService(HttpContext context)
    {
        Interlocked.Increment(ref _appServiceRequests);
        var query = context.Request.Query;
        if (context.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
        {
            return Error(401, "The X-IDENTITY-HEADER header is missing or wrong.");
        }

        if (query["api-version"] != "2019-08-01") return Error(400, "api-version must be 2019-08-01.");
        var identity = Find(query["client_id"], query["principal_id"], query["mi_res_id"]);
        return Issue(context, query["resource"], identity, appService: true);
    }

    private IResult Imds(HttpContext context)
    {
        Interlocked.Increment(ref _imdsRequests);
        context.Response.Headers.Server = ImdsServer;
        var query = context.Request.Query;
        if (context.Request.Headers["Metadata"] != "true") return Error(400, "Required metadata header not specified");
        var identity = Find(query["client_id"], query["object_id"], query["msi_res_id"]);
        return Issue(context, query["resource"], identity, appService: false);
    }

    private ManagedIdentity? Find(string? clientId, string? objectId, string? resourceId)
    {
        if (string.IsNullOrEmpty(clientId) && string.IsNullOrEmpty(objectId) && string.IsNullOrEmpty(resourceId)) return SystemAssigned;
        return UserAssigned.Values.FirstOrDefault(i =>
            string.Equals(i.ClientId, clientId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(i.ObjectId, objectId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(i.ResourceId, resourceId, StringComparison.OrdinalIgnoreCase));
    }

    private IResult Issue(HttpContext context, string? resource, ManagedIdentity? identity, bool appService)
    {
        if (!string.IsNullOrEmpty(resource)) _resources.Enqueue(resource);
        if (_failures.TryDequeue(out var failure))
        {
            if (failure.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return Error(failure.Status, failure.Status == 429 ? "Too many requests." : "The identity endpoint failed.");
        }

        if (string.IsNullOrEmpty(resource)) return Error(400, "resource is required.");
        if (identity is null) return Error(400, "Unable to load the proper Managed Identity. Identity not found.");
        var now = DateTimeOffset.UtcNow;
        var expiresOn = now.Add(TokenLifetime);
        var token = UnsignedJwt.Create(UnsignedJwt.ManagedIdentityClaims(resource, TenantId, identity.ClientId, identity.ObjectId, identity.ResourceId, now, TokenLifetime));
        var seconds = expiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        // As the real services send it: expires_on is a string of epoch seconds; IMDS sends every number as a string.
        return appService
            ? Results.Json(new Dictionary<string, string>
            {
                ["access_token"] = token, ["expires_on"] = seconds, ["resource"] = resource, ["token_type"] = "Bearer", ["client_id"] = identity.ClientId,
            })
            : Results.Json(new Dictionary<string, string>
            {
                ["access_token"] = token, ["refresh_token"] = "", ["expires_in"] = ((int)TokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                ["expires_on"] = seconds, ["not_before"] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ["resource"] = resource,
                ["token_type"] = "Bearer", ["client_id"] = identity.ClientId,
            });
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new Dictionary<string, object> { ["statusCode"] = status, ["message"] = message, ["correlationId"] = Guid.NewGuid().ToString() }, statusCode: status);
}

/// <summary>A managed identity the emulator issues tokens for.</summary>
public sealed record ManagedIdentity(string ClientId, string ObjectId, string ResourceId);
