using Microsoft.IdentityModel.JsonWebTokens;
using VmEventOps.Engine.Workflow;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// The claims of an access token, read from its JWT payload with Microsoft.IdentityModel. The
/// signature is not checked: the token is ours to present, not to trust. A token that is not a
/// JWT (opaque tokens exist) has no claims.
/// </summary>
internal sealed record JwtClaims(string? Audience, string? TenantId, string? ObjectId, string? AppId, string? IdentityType, DateTimeOffset? ExpiresOn)
{
    public static readonly JwtClaims None = new(null, null, null, null, null, null);

    public static JwtClaims Read(string token)
    {
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token)) return None;
        try
        {
            var jwt = handler.ReadJsonWebToken(token);
            string? Read(string type) => jwt.TryGetPayloadValue<string>(type, out var value) ? value : null;
            DateTimeOffset? expires = jwt.TryGetPayloadValue<long>("exp", out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
            return new JwtClaims(jwt.Audiences.FirstOrDefault(), Read("tid"), Read("oid"), Read("appid") ?? Read("azp"), Read("idtyp"), expires);
        }
        catch (ArgumentException)
        {
            return None;
        }
    }
}
