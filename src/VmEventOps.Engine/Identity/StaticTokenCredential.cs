using Azure.Core;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// AuthMode Token: a token passed in for local work, as the seed's local development did. Its expiry comes from the JWT;
/// an expired token is refused with a clear error rather than sent. It is handed out only for the audience its
/// <c>aud</c> claim names: asked for any other scope (a vault's challenge, another service), it refuses instead of
/// sending a token meant for one service to another. A token that is not a JWT names no audience and goes nowhere.
/// </summary>
internal sealed class StaticTokenCredential(string token, TimeProvider time) : TokenCredential
{
    private readonly JwtClaims _claims = JwtClaims.Read(token);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var requested = TokenAudience.Requested(requestContext.Scopes) ?? string.Join(" ", requestContext.Scopes);
        if (_claims.Audience is not { } audience || !TokenAudience.Same(audience, requested))
        {
            var named = _claims.Audience is null ? "names no audience (it is not a JWT with an aud claim)" : $"is for {Configuration.SecretRedactor.Quote(_claims.Audience, 120)}";
            throw new VmEventOpsException(
                ErrorIds.AuthTokenWrongAudience,
                VmErrorCategory.AuthenticationError,
                $"The access token passed in (AccessToken, AuthMode Token) {named}, but a token for {Configuration.SecretRedactor.Quote(requested, 120)} is needed: it is sent only to the audience it was issued for. Get one for that resource, for example with: az account get-access-token --resource {Configuration.SecretRedactor.Quote(requested, 120)}.",
                "AccessToken");
        }

        var expiresOn = _claims.ExpiresOn ?? DateTimeOffset.MaxValue;
        if (expiresOn <= time.GetUtcNow())
        {
            throw new VmEventOpsException(
                ErrorIds.AuthTokenExpired,
                VmErrorCategory.AuthenticationError,
                $"The access token passed in (AccessToken, AuthMode Token) expired at {expiresOn:u}. Get a new one, for example with: az account get-access-token.",
                "AccessToken");
        }

        return new AccessToken(token, _claims.ExpiresOn ?? time.GetUtcNow().AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
