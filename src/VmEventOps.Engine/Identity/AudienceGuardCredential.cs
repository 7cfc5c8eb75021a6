using Azure.Core;
using VmEventOps.Engine.Configuration;
using VmEventOps.Engine.Errors;

namespace VmEventOps.Engine.Identity;

/// <summary>
/// The credential handed to a client that calls one service (a vault, an ingestion endpoint): it gives out tokens for that
/// service's audiences only. Whatever a server's bearer challenge asks for, no token of another audience (ARM, Storage)
/// leaves through it.
/// </summary>
internal sealed class AudienceGuardCredential(TokenCredential inner, IReadOnlyList<string> audiences, string service, string errorId) : TokenCredential
{
    /// <summary>The audiences it gives tokens for.</summary>
    public IReadOnlyList<string> Audiences => audiences;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Check(requestContext);
        return inner.GetToken(requestContext, cancellationToken);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Check(requestContext);
        return inner.GetTokenAsync(requestContext, cancellationToken);
    }

    private void Check(TokenRequestContext requestContext)
    {
        var requested = TokenAudience.Requested(requestContext.Scopes);
        if (requested is not null && audiences.Any(a => TokenAudience.Same(a, requested))) return;
        throw new VmEventOpsException(
            errorId,
            VmErrorCategory.AuthenticationError,
            $"{service} asked for a token for {(requested is null ? "several audiences" : SafeAudience(requested))}, not for {string.Join(" or ", audiences)}: no token was sent. Check the URI it was reached at.",
            service);
    }

    // The audience named by a server is text from outside: shown without credentials or control characters.
    private static string SafeAudience(string audience) => Configuration.SecretRedactor.Quote(audience, 120);
}
