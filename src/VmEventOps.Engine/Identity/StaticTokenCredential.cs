using Azure.Core;
using VmEventOps.Engine.Diagnostics;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// AuthMode Token: a token passed in for local work, as the seed's local development did. Its
/// expiry comes from the JWT; an expired token is refused with a clear error rather than sent.
/// </summary>
internal sealed class StaticTokenCredential(string token, TimeProvider time) : TokenCredential
{
    // Opaque (non-JWT) tokens carry no expiry; they are trusted for an hour, as Entra tokens last at least that.
    private static readonly TimeSpan OpaqueLifetime = TimeSpan.FromHours(1);

    private readonly DateTimeOffset _expiresOn = JwtClaims.Read(token).ExpiresOn ?? time.GetUtcNow().Add(OpaqueLifetime);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_expiresOn <= now)
        {
            throw new VmEventOpsException(
                ErrorIds.AuthTokenExpired,
                VmErrorCategory.AuthenticationError,
                $"The access token passed in (AccessToken, AuthMode Token) expired at {_expiresOn:u}. Get a new one, for example with: az account get-access-token.",
                "AccessToken");
        }

        return new AccessToken(token, _expiresOn);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
