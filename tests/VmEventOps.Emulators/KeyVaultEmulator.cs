using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace VmEventOps.Emulators;

/// <summary>
/// Key Vault's secrets API on loopback HTTPS, as Azure.Security.KeyVault.Secrets meets it: a request without a bearer
/// token is answered 401 with the <c>WWW-Authenticate</c> challenge (authorization = the tenant's authority, resource
/// = https://vault.azure.net), a token whose audience is not Key Vault is refused (AKV10022), and
/// <c>GET /secrets/{name}[/{version}]</c> returns the secret bundle. Counts requests per secret, can restrict reads
/// to granted principals (RBAC's Key Vault Secrets User) and can be told to fail (403, 404, 429, 500).
/// Test-only routes under /_emulator/ set secrets and faults for other processes (Pester).
/// </summary>
public sealed class KeyVaultEmulator : IAsyncDisposable
{
    public const string Audience = "https://vault.azure.net";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, List<SecretVersion>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<(int Status, TimeSpan? RetryAfter)> _faults = new();
    private readonly ConcurrentDictionary<string, bool> _granted = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string?> _bearerAudiences = new();
    private int _requests;
    private int _challenges;

    private KeyVaultEmulator(WebApplication app, string tenantId)
    {
        _app = app;
        TenantId = tenantId;
    }

    /// <summary>The vault's URI (https://127.0.0.1:{port}/).</summary>
    public Uri VaultUri { get; private set; } = null!;

    /// <summary>The tenant the challenge names.</summary>
    public string TenantId { get; }

    /// <summary>Every request to the secrets API, challenges included.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests answered with the 401 bearer challenge.</summary>
    public int Challenges => Volatile.Read(ref _challenges);

    /// <summary>The audience (aud claim) of every bearer token presented, in order: which tokens this host received.</summary>
    public IReadOnlyCollection<string?> BearerAudiences => _bearerAudiences.ToArray();

    /// <summary>
    /// The resource the 401 challenge names (Key Vault's audience). A test sets another to play a host that is not a
    /// vault and asks a client for a token of another service (what a spoofed or hostile server would do).
    /// </summary>
    public string ChallengeResource { get; set; } = Audience;

    /// <summary>Authorised reads of a secret (any version), whatever the answer.</summary>
    public int Reads(string name) => _reads.GetValueOrDefault(name);

    /// <summary>Adds a new current version of a secret; returns its version id.</summary>
    public string SetSecret(string name, string value, bool enabled = true)
    {
        var version = Guid.NewGuid().ToString("n");
        var versions = _secrets.GetOrAdd(name, _ => []);
        lock (versions) versions.Add(new SecretVersion(version, value, enabled, DateTimeOffset.UtcNow));
        return version;
    }

    /// <summary>From now on only these principals (token oid) may read secrets, as with RBAC; none granted means everyone may.</summary>
    public void GrantSecretsUser(string objectId) => _granted[objectId] = true;

    /// <summary>Answers the next <paramref name="count"/> authorised secret reads with a fault.</summary>
    public void Fail(int status, int count = 1, TimeSpan? retryAfter = null)
    {
        for (var i = 0; i < count; i++) _faults.Enqueue((status, retryAfter));
    }

    public static async Task<KeyVaultEmulator> StartAsync(X509Certificate2 certificate, string tenantId)
    {
        var app = LoopbackServer.Create(certificate);
        var emulator = new KeyVaultEmulator(app, tenantId);
        app.MapGet("/secrets/{name}/{version?}", (Delegate)emulator.GetSecret);
        app.MapPut("/_emulator/secrets/{name}", async (HttpContext context, string name) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var enabled = context.Request.Query["enabled"] != "false";
            return Results.Json(new { version = emulator.SetSecret(name, await reader.ReadToEndAsync(), enabled) });
        });
        app.MapPost("/_emulator/faults", (int status, int? count, int? retryAfter) =>
        {
            emulator.Fail(status, count ?? 1, retryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            return Results.NoContent();
        });
        app.MapGet("/_emulator/reads", () => Results.Json(new Dictionary<string, int>(emulator._reads) { ["*requests"] = emulator.Requests, ["*challenges"] = emulator.Challenges }));
        emulator.VaultUri = await LoopbackServer.StartAsync(app);
        return emulator;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IResult GetSecret(HttpContext context, string name, string? version)
    {
        Interlocked.Increment(ref _requests);
        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            return Error(400, "BadParameter", "The request URI contains an invalid api-version.");
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _challenges);
            return Challenge(context, "AKV10000: Request is missing a Bearer or PoP token.");
        }

        var claims = Claims(authorization["Bearer ".Length..]);
        _bearerAudiences.Enqueue(claims?.Audience);
        var audience = claims?.Audience?.TrimEnd('/');
        if (!string.Equals(audience, Audience, StringComparison.OrdinalIgnoreCase))
        {
            Interlocked.Increment(ref _challenges);
            return Challenge(context, $"AKV10022: Invalid audience. Expected {Audience}, found: {audience}.");
        }

        _reads.AddOrUpdate(name, 1, (_, n) => n + 1);
        var objectId = claims!.Value.ObjectId;
        if (!_granted.IsEmpty && (objectId is null || !_granted.ContainsKey(objectId)))
        {
            return Forbidden(context, objectId);
        }

        if (_faults.TryDequeue(out var fault))
        {
            if (fault.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return fault.Status switch
            {
                403 => Forbidden(context, objectId),
                404 => NotFound(name),
                429 => Error(429, "Throttled", "Request was not processed because too many requests were received. Reason: A1"),
                _ => Error(fault.Status, "InternalServerError", "The service encountered an internal error."),
            };
        }

        if (!_secrets.TryGetValue(name, out var versions)) return NotFound(name);
        SecretVersion? found;
        lock (versions) found = string.IsNullOrEmpty(version) ? versions[^1] : versions.FirstOrDefault(v => v.Version.Equals(version, StringComparison.OrdinalIgnoreCase));
        if (found is null) return NotFound(name, version);
        if (!found.Enabled)
        {
            return Results.Json(new { error = new { code = "Forbidden", message = "Operation get is not allowed on a disabled secret.", innererror = new { code = "SecretDisabled" } } }, statusCode: 403);
        }

        // The secret bundle, as Key Vault returns it (api-version 7.x).
        var created = found.Created.ToUnixTimeSeconds();
        return Results.Json(new
        {
            value = found.Value,
            id = new Uri(VaultUri, $"secrets/{name}/{found.Version}").AbsoluteUri,
            attributes = new { enabled = true, created, updated = created, recoveryLevel = "Recoverable+Purgeable", recoverableDays = 90 },
            tags = new Dictionary<string, string>(),
        });
    }

    private IResult Challenge(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"{ChallengeResource}\"";
        return Error(401, "Unauthorized", message);
    }

    private IResult Forbidden(HttpContext context, string? objectId) => Results.Json(new
    {
        error = new
        {
            code = "Forbidden",
            message = "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n"
                + $"Caller: oid={objectId};iss=https://sts.windows.net/{TenantId}/\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\n"
                + $"Resource: '{context.Request.Path}'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC'\r\nVault: emulator;location=westeurope\r\n",
            innererror = new { code = "ForbiddenByRbac" },
        },
    }, statusCode: 403);

    private static IResult NotFound(string name, string? version = null) => Error(404, "SecretNotFound",
        $"A secret with (name/id) {name}{(version is null ? string.Empty : "/" + version)} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.");

    private static IResult Error(int status, string code, string message) => Results.Json(new { error = new { code, message } }, statusCode: status);

    // The audience and object id of a bearer token (the emulators' tokens are unsigned: these are what a vault checks here).
    private static (string? Audience, string? ObjectId)? Claims(string token)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return (jwt.Audiences.FirstOrDefault(), jwt.TryGetPayloadValue<string>("oid", out var objectId) ? objectId : null);
        }
        catch (ArgumentException)
        {
            return null;   // not a JWT
        }
    }

    private sealed record SecretVersion(string Version, string Value, bool Enabled, DateTimeOffset Created);
}
