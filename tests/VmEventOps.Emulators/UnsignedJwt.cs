using System.Text;
using System.Text.Json;

namespace VmEventOps.Emulators;

/// <summary>Builds JWTs with realistic Entra claims and a signature segment that signs nothing (emulators and tests only).</summary>
public static class UnsignedJwt
{
    public static string Create(IReadOnlyDictionary<string, object> claims)
    {
        var header = new Dictionary<string, object> { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = "emulator" };
        return $"{Encode(header)}.{Encode(claims)}.{Base64Url(Encoding.UTF8.GetBytes("not-a-signature"))}";
    }

    /// <summary>The claims a managed identity's access token carries.</summary>
    public static Dictionary<string, object> ManagedIdentityClaims(string resource, string tenantId, string clientId, string objectId, string resourceId, DateTimeOffset now, TimeSpan lifetime) => new()
    {
        ["aud"] = resource,
        ["iss"] = $"https://sts.windows.net/{tenantId}/",
        ["iat"] = now.ToUnixTimeSeconds(),
        ["nbf"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
        ["aio"] = "E2ZgYJgemulator",
        ["appid"] = clientId,
        ["appidacr"] = "2",
        ["idp"] = $"https://sts.windows.net/{tenantId}/",
        ["idtyp"] = "app",
        ["oid"] = objectId,
        ["rh"] = "0.emulator.",
        ["sub"] = objectId,
        ["tid"] = tenantId,
        ["uti"] = Guid.NewGuid().ToString("n")[..22],
        ["ver"] = "1.0",
        ["xms_mirid"] = resourceId,
    };

    private static string Encode(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
